"""Stage 1, load: read the brief folder into a `Brief`.

All file access for a build goes through `files.resolve_inside` and `files.read_text`, so
no path in a brief can reach outside its folder and every file is decoded the same way.
"""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import replace
from functools import partial
from pathlib import Path

from .errors import BriefFolderError, BriefingError, ManifestError, OutputIsInputError, Reporter, raise_all
from .files import is_regular_file, read_text, resolve_inside
from .hyphenlist import FILE_NAME as HYPHENATION_FILE
from .hyphenlist import load_hyphenation
from .manifest import LANGUAGES, check_references, load_manifest
from .model import Brief, Manifest, SectionSource, Source, TimelineEvent
from .rebuilds import load_once
from .sources import load_sources
from .schema import Field, Record, boolean, level_name, names, one_of, parse, text
from .themes import Theme, load_theme
from .timeline import load_timeline
from .yamlfile import YamlList, YamlMap, load_yaml

log = logging.getLogger("briefing")
SECTIONS_DIR = "sections"
ASSETS_DIR = "assets"
PARTIALS_DIR = "_partials"
_PREFIX_RE = re.compile(r"^\d+[-_ .]*")


def load_brief(root: Path, reporter: Reporter | None = None) -> Brief:
    """Load the manifest, sections, timeline, sources and themes of the brief folder at *root*.

    A bad file does not stop the others from loading: with a *reporter* its problems are
    recorded there (and the Brief holds what did load); without one, every problem is
    raised together at the end. A missing folder or a bad manifest stops at once.
    """
    collected = reporter or Reporter()
    root = root.resolve()
    if not root.is_dir():
        raise BriefFolderError("brief folder not found", root)
    manifest, manifest_path = load_manifest(root)
    if manifest.logo:
        manifest = replace(manifest, logo=str(_logo(root, manifest.logo, manifest_path)))
    sections_dir = root / SECTIONS_DIR
    if not sections_dir.is_dir():
        raise BriefFolderError(f"no '{SECTIONS_DIR}/' folder next to the manifest", root)
    before = len(collected.errors)
    sections = _load_sections(_section_files(sections_dir, root), manifest, manifest_path, collected)
    sections_loaded, before = len(collected.errors) == before, len(collected.errors)
    languages = sorted({a.language for a in manifest.audiences if a.language} - {manifest.language})
    timeline, timeline_variants = _load_timelines(root, manifest, manifest_path, languages, collected)
    event_tags = {tag for events in (timeline, *timeline_variants.values()) for event in events for tag in event.tags}
    with collected.collecting():  # a name is only checked against files that loaded, so a bad file is named once
        check_references(manifest, tuple(sections) if sections_loaded else None,
                         event_tags if len(collected.errors) == before else None, manifest_path)
    sources, source_variants = _load_sources(root, manifest, manifest_path, languages, collected)
    themes, fallback_fonts = _load_themes(root, manifest, manifest_path, collected)
    hyphenation = _load_hyphenation(root, manifest, manifest_path, languages, collected)
    if reporter is None:
        collected.raise_if_errors()
    log.info("loaded %s: %d sections, %d timeline events, %d sources, theme %s", manifest_path, len(sections),
             len(timeline), len(sources), ", ".join(themes) or "-")
    return Brief(
        root=root,
        manifest=manifest,
        manifest_path=manifest_path,
        sections=tuple(sections),
        partials_dir=sections_dir / PARTIALS_DIR,
        timeline=timeline,
        sources=sources,
        timeline_variants=timeline_variants,
        source_variants=source_variants,
        themes=themes,
        fallback_fonts=fallback_fonts,
        hyphenation=hyphenation,
    )


#: Image formats a cover logo may be, besides SVG.
LOGO_FORMATS = ("PNG", "JPEG")


def _logo(root: Path, name: str, origin: Path) -> Path:
    """The cover logo's path: inside the brief, a readable PNG or JPEG (the rules of figures),
    or an SVG that passes `svg.read_svg`'s checks."""
    from .images import inspect
    from .yamlfile import load_yaml

    line = load_yaml(read_text(origin), origin).lines.get("logo")
    path = resolve_inside(root, name, origin, line)
    if name.lower().endswith(".svg"):
        from .svg import read_svg

        if not is_regular_file(path):
            raise ManifestError(f"logo '{name}' not found", origin, line)
        read_svg(path)
        return path
    info = inspect(path, origin, line)
    if info.format not in LOGO_FORMATS:
        raise ManifestError(f"logo '{name}' is {info.format}; a logo must be PNG or JPEG", origin, line)
    return path


def _load_timelines(root: Path, manifest: Manifest, origin: Path, languages: list[str],
                    reporter: Reporter) -> tuple[tuple[TimelineEvent, ...], dict[str, tuple[TimelineEvent, ...]]]:
    """The timeline file and its language variants (a file that fails loads as no events)."""
    if not manifest.timeline:
        return (), {}
    path = resolve_inside(root, manifest.timeline.file, origin)
    order = manifest.timeline.order
    timeline = reporter.attempt(partial(_timeline, path, order)) or ()
    variants = {}
    for language, variant in _language_variants(root, path, languages, origin):
        variants[language] = reporter.attempt(partial(_timeline, variant, order)) or ()
    return timeline, variants


def _load_sources(root: Path, manifest: Manifest, origin: Path, languages: list[str],
                  reporter: Reporter) -> tuple[tuple[Source, ...], dict[str, tuple[Source, ...]]]:
    """The sources file and its language variants (a file that fails loads as no sources)."""
    if not manifest.sources:
        return (), {}
    path = resolve_inside(root, manifest.sources.file, origin)
    sources = reporter.attempt(partial(load_once, load_sources, path)) or ()
    variants = {}
    for language, variant in _language_variants(root, path, languages, origin):
        variants[language] = reporter.attempt(partial(load_once, load_sources, variant)) or ()
    return sources, variants


def _load_themes(root: Path, manifest: Manifest, origin: Path,
                 reporter: Reporter) -> tuple[dict[str, Theme], dict[str, tuple[Path, ...]]]:
    """Every theme the manifest and its audiences name, with its fallback font files."""
    names = dict.fromkeys([manifest.theme, *(a.theme for a in manifest.audiences if a.theme)])
    themes: dict[str, Theme] = {}
    fonts: dict[str, tuple[Path, ...]] = {}
    for name in names:
        theme = reporter.attempt(partial(load_theme, name, root, origin))
        if theme is None:
            continue
        found = [reporter.attempt(partial(resolve_inside, root, font, origin)) for font in theme.fallback_fonts]
        if theme.font_files:
            theme = reporter.attempt(partial(_local_fonts, theme, root, origin)) or theme
        themes[name] = theme
        fonts[name] = tuple(path for path in found if path is not None)
    return themes, fonts


def _local_fonts(theme: Theme, root: Path, origin: Path) -> Theme:
    """The theme with its brief-local font files resolved inside the brief and checked to be TrueType."""
    families = []
    for family, styles in theme.font_files:
        resolved = []
        for style, name in styles:
            path = resolve_inside(root, name, origin)
            _check_truetype(path, name, origin)
            resolved.append((style, str(path)))
        families.append((family, tuple(resolved)))
    return replace(theme, font_files=tuple(families))


def _check_truetype(path: Path, name: str, origin: Path) -> None:
    """ReportLab embeds TrueType outlines only: a CFF-flavoured OpenType font is refused with what to do."""
    if not path.is_file():
        raise ManifestError(f"font file '{name}' not found in the brief folder", origin)
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == b"OTTO":
        raise ManifestError(f"font '{name}' has CFF (PostScript) outlines, which cannot be embedded; "
                            "use the TrueType (.ttf, glyf outlines) version of the font", origin)
    if magic not in (b"\x00\x01\x00\x00", b"true"):
        raise ManifestError(f"font '{name}' is not a TrueType font file", origin)


def _load_hyphenation(root: Path, manifest: Manifest, origin: Path, languages: list[str],
                      reporter: Reporter) -> dict[str, tuple[str, ...]]:
    """`hyphenation.txt` (the brief's language) and its language variants, when present."""
    path = root / HYPHENATION_FILE
    found = [(manifest.language, path)] if path.is_file() else []
    found += _language_variants(root, path, languages, origin)
    lists = {}
    for language, file in found:
        entries = reporter.attempt(partial(load_hyphenation, resolve_inside(root, file.name, origin)))
        if entries is not None:
            lists[language] = entries
    return lists


def _language_variants(root: Path, path: Path, languages: list[str], origin: Path) -> list[tuple[str, Path]]:
    """`timeline.en.yaml` beside `timeline.yaml`, for each language an audience reads."""
    found = []
    for language in languages:
        variant = path.with_name(f"{path.stem}.{language}{path.suffix}")
        if variant.is_file():
            found.append((language, resolve_inside(root, str(variant.relative_to(root)), origin)))
    return found


def _timeline(path: Path, order: str) -> tuple[TimelineEvent, ...]:
    events = load_once(load_timeline, path)
    return events[::-1] if order == "reverse" else events


def _load_sections(files: list[Path], manifest: Manifest, manifest_path: Path,
                   reporter: Reporter) -> list[SectionSource]:
    """Load base section files, attaching `name.<audience|language>.md` files as their variants.

    A file that fails is reported and left out; names of failed files are not reported
    again as missing from the manifest's `sections` order.
    """
    suffixes = {a.id for a in manifest.audiences} | set(LANGUAGES)
    bases: dict[str, Path] = {}
    variant_files: list[tuple[str, str, Path]] = []
    for path in files:
        stem, _, suffix = path.stem.rpartition(".")
        if stem and suffix in suffixes:
            variant_files.append((stem, suffix, path))
        else:
            bases[path.stem] = path
    audiences = frozenset(a.id for a in manifest.audiences)
    loaded = {stem: reporter.attempt(partial(_load_section, path, audiences)) for stem, path in bases.items()}
    failed = {name for stem, section in loaded.items() if section is None for name in (stem, bases[stem].name)}
    variants: dict[str, dict[str, SectionSource]] = {stem: {} for stem in loaded}
    for stem, suffix, path in variant_files:
        base = loaded.get(stem)
        if base is None:
            if stem not in failed:
                reporter.error(ManifestError(f"'{path.name}' is a variant of '{stem}.md', which does not exist", path, 1))
            continue
        variant = reporter.attempt(partial(_load_section, path, audiences, default_id=base.id))
        if variant is not None:
            variants[stem][suffix] = replace(variant, id=base.id)
    sections = [replace(section, variants=variants[stem]) for stem, section in loaded.items() if section is not None]
    return reporter.attempt(partial(_order_sections, sections, manifest.sections, manifest_path, failed)) or []


def _section_files(sections_dir: Path, root: Path) -> list[Path]:
    files = sorted(p for p in sections_dir.glob("*.md") if not p.name.startswith(("_", ".")))
    for path in files:
        resolve_inside(root, str(path.relative_to(root)))
    return files


def _order_sections(sources: list[SectionSource], order: tuple[str, ...], manifest_path: Path,
                    failed: set[str]) -> list[SectionSource]:
    seen: dict[str, SectionSource] = {}
    errors: list[BriefingError] = []
    for source in sources:
        if source.id in seen:
            errors.append(ManifestError(f"section id '{source.id}' is also used by {seen[source.id].path.name}", source.path, 1))
        seen[source.id] = source
    raise_all(errors)
    if not order:
        return sources
    by_name = {s.path.name: s for s in sources} | {s.path.stem: s for s in sources} | seen
    missing = [name for name in order if name not in by_name and name not in failed]
    if missing:
        raise ManifestError(
            f"'sections' names {', '.join(repr(m) for m in missing)}, which no file in sections/ provides "
            f"(known: {', '.join(sorted(seen))})",
            manifest_path,
        )
    return [by_name[name] for name in order if name in by_name]


_NEEDS_TITLE = "front matter needs a 'title:' (the section heading)"

#: A section's front matter (its `id` defaults to the file name without its number).
FRONT_MATTER = Record({
    "id": Field(text),
    "title": Field(text, required=True, message=_NEEDS_TITLE, missing=_NEEDS_TITLE),
    "numbered": Field(boolean, default=True),
    "level": Field(level_name),
    "audiences": Field(names("must be a list of names"), default=()),
    "tags": Field(names("must be a list of names"), default=()),
    "page_break": Field(one_of(("before", "auto"), "must be 'before' (the section starts a new page) or 'auto'")),
}, unknown="unknown front matter key '{key}'{hint}", list_known=True)


def _load_section(path: Path, audiences: frozenset[str], default_id: str | None = None) -> SectionSource:
    """One section file; every problem of its front matter is reported, each with its line."""
    meta, template = split_front_matter(read_text(path), path)
    reporter = Reporter()
    values, _ok = parse(meta, FRONT_MATTER, path, reporter)
    values.pop("page_break", None)  # read from `meta` by the story
    values.setdefault("id", default_id or _PREFIX_RE.sub("", path.stem) or path.stem)
    for error in _unknown_audiences(meta, values.get("audiences", ()), audiences, path):
        reporter.error(error)
    reporter.raise_if_errors()
    return SectionSource(path=path, template=template, meta=dict(meta), **values)


def _unknown_audiences(meta: YamlMap, names: tuple[str, ...], known: frozenset[str], path: Path) -> list[BriefingError]:
    """Front matter may only name audiences brief.yaml defines (else the section would silently vanish)."""
    value = meta.get("audiences")
    lines = value.lines if isinstance(value, YamlList) else [meta.lines.get("audiences", 1)] * len(names)
    errors: list[BriefingError] = []
    for name, line in zip(names, lines):
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = (f"did you mean '{close[0]}'?" if close else f"defined: {', '.join(sorted(known))}") if known \
                else "brief.yaml defines no audiences"
            errors.append(ManifestError(f"front matter names audience '{name}', which brief.yaml does not define "
                                        f"({hint})", path, line))
    return errors


def split_front_matter(text: str, path: Path) -> tuple[YamlMap, str]:
    """Split `---` front matter off *text*; blank its lines so line numbers still match."""
    lines = text.split("\n")
    empty = YamlMap()
    empty.line, empty.lines = 1, {}
    if not lines or lines[0].strip() != "---":
        return empty, text
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            break
    else:
        raise ManifestError("front matter starts with '---' on line 1 but is never closed with '---'", path, 1)
    yaml_text = "\n" * 1 + "\n".join(lines[1:index])
    meta = load_yaml(yaml_text, path) if yaml_text.strip() else empty
    if meta is None:
        meta = empty
    if not isinstance(meta, YamlMap):
        raise ManifestError("front matter must be a mapping of keys to values", path, 2)
    meta.line = 1  # a missing key is named at the opening '---'
    body = "\n" * (index + 1) + "\n".join(lines[index + 1 :])
    return meta, body


def check_output_path(brief: Brief, output: Path) -> None:
    """Refuse an output path that would write over something the brief reads.

    Known inputs (manifest, sections and their variants, timeline and sources files)
    and anything under `sections/` or `assets/` are refused outright; so is any
    existing file that is not a PDF, since only a PDF can be an earlier output.
    """
    target = output.resolve()
    named = [brief.manifest_path, *(v.path for s in brief.sections for v in (s, *s.variants.values()))]
    for option in (brief.manifest.timeline, brief.manifest.sources):
        if option is not None:
            named.append(brief.root / option.file)
    advice = f"write the PDF elsewhere (e.g. output/{target.stem}.pdf)"
    if target in {p.resolve() for p in named}:
        raise OutputIsInputError(f"-o {output} is one of the brief's own inputs; {advice}")
    for name in (SECTIONS_DIR, ASSETS_DIR):
        if target.is_relative_to((brief.root / name).resolve()):
            raise OutputIsInputError(f"-o {output} is inside {name}/, which holds the brief's inputs; {advice}")
    if target.is_file() and not _is_pdf(target):
        raise OutputIsInputError(f"-o {output} exists and is not a PDF; refusing to write over it")


def _is_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return False
