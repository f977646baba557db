"""Stage 1, load: read the brief folder into a `Brief`.

All file access for a build goes through `resolve_inside` and `read_text`, so no
path in a brief can reach outside its folder and every file is decoded the same way.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from dataclasses import replace
from pathlib import Path
from .errors import BriefFolderError, BriefingError, ManifestError, OutputIsInputError, raise_all
from .manifest import LANGUAGES, check_references, load_manifest
from .model import Brief, Manifest, SectionSource
from .yamlfile import YamlList, YamlMap, load_yaml

SECTIONS_DIR = "sections"
ASSETS_DIR = "assets"
PARTIALS_DIR = "_partials"
_PREFIX_RE = re.compile(r"^\d+[-_ .]*")
FRONT_MATTER_KEYS = {"id", "title", "numbered", "level", "audiences", "tags"}


def resolve_inside(root: Path, relative: str, origin: Path | None = None, line: int | None = None) -> Path:
    """Resolve *relative* against the brief root; refuse anything that leaves it.

    Absolute paths, `..` escapes and symlinks pointing outside are all refused.
    """
    where = origin or root
    if "://" in relative or relative.startswith("//"):
        raise BriefFolderError(f"'{relative}' is a URL; briefs only use files inside the brief folder", where, line)
    candidate = Path(relative)
    if candidate.is_absolute():
        raise BriefFolderError(f"'{relative}' is an absolute path; use a path relative to the brief folder", where, line)
    resolved = (root / candidate).resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise BriefFolderError(f"'{relative}' points outside the brief folder", where, line)
    return resolved


def read_text(path: Path) -> str:
    """Read a UTF-8 text file (BOM and CRLF tolerated) or explain why not.

    Opened without blocking and checked to be a regular file before reading, so a
    named pipe or a device in the brief is refused instead of hanging the build.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise BriefFolderError(f"cannot read file: {exc.strerror}", path) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode) else "a device or socket"
        raise BriefFolderError(f"not a regular file ({kind}); a brief reads only plain files", path)
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read()
        except OSError as exc:
            raise BriefFolderError(f"cannot read file: {exc.strerror}", path) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BriefingError(
            f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file as UTF-8",
            path,
            line,
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_brief(root: Path) -> Brief:
    """Load the manifest and section files of the brief folder at *root*."""
    root = root.resolve()
    if not root.is_dir():
        raise BriefFolderError("brief folder not found", root)
    manifest, manifest_path = load_manifest(root)
    sections_dir = root / SECTIONS_DIR
    if not sections_dir.is_dir():
        raise BriefFolderError(f"no '{SECTIONS_DIR}/' folder next to the manifest", root)
    sections = _load_sections(_section_files(sections_dir, root), manifest, manifest_path)
    ordered = _order_sections(sections, manifest.sections, manifest_path)
    other_languages = sorted({a.language for a in manifest.audiences if a.language} - {manifest.language})
    timeline: tuple = ()
    timeline_variants: dict[str, tuple] = {}
    if manifest.timeline:
        path = resolve_inside(root, manifest.timeline.file, manifest_path)
        order = manifest.timeline.order
        timeline = _timeline(path, manifest.language, order)
        for language, variant in _language_variants(root, path, other_languages, manifest_path):
            timeline_variants[language] = _timeline(variant, language, order)
    sources: tuple = ()
    source_variants: dict[str, tuple] = {}
    if manifest.sources:
        from .sources import load_sources

        path = resolve_inside(root, manifest.sources.file, manifest_path)
        sources = load_sources(path)
        for language, variant in _language_variants(root, path, other_languages, manifest_path):
            source_variants[language] = load_sources(variant)
    event_tags = {tag for events in (timeline, *timeline_variants.values()) for event in events for tag in event.tags}
    check_references(manifest, tuple(ordered), event_tags, manifest_path)
    return Brief(
        root=root,
        manifest=manifest,
        manifest_path=manifest_path,
        sections=tuple(ordered),
        partials_dir=sections_dir / PARTIALS_DIR,
        timeline=timeline,
        sources=sources,
        timeline_variants=timeline_variants,
        source_variants=source_variants,
    )


def _language_variants(root: Path, path: Path, languages: list[str], origin: Path) -> list[tuple[str, Path]]:
    """`timeline.en.yaml` beside `timeline.yaml`, for each language an audience reads."""
    found = []
    for language in languages:
        variant = path.with_name(f"{path.stem}.{language}{path.suffix}")
        if variant.is_file():
            found.append((language, resolve_inside(root, str(variant.relative_to(root)), origin)))
    return found


def _timeline(path: Path, language: str, order: str) -> tuple:
    from .timeline import load_timeline

    events = load_timeline(path, language)
    return events[::-1] if order == "reverse" else events


def _load_sections(files: list[Path], manifest: Manifest, manifest_path: Path) -> list[SectionSource]:
    """Load base section files, attaching `name.<audience|language>.md` files as their variants."""
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
    loaded = {stem: _load_section(path, audiences) for stem, path in bases.items()}
    variants: dict[str, dict[str, SectionSource]] = {stem: {} for stem in loaded}
    for stem, suffix, path in variant_files:
        base = loaded.get(stem)
        if base is None:
            raise ManifestError(f"'{path.name}' is a variant of '{stem}.md', which does not exist", path, 1)
        variants[stem][suffix] = replace(_load_section(path, audiences, default_id=base.id), id=base.id)
    return [replace(section, variants=variants[stem]) for stem, section in loaded.items()]


def _section_files(sections_dir: Path, root: Path) -> list[Path]:
    files = sorted(p for p in sections_dir.glob("*.md") if not p.name.startswith(("_", ".")))
    for path in files:
        resolve_inside(root, str(path.relative_to(root)))
    return files


def _order_sections(sources: list[SectionSource], order: tuple[str, ...], manifest_path: Path) -> list[SectionSource]:
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
    missing = [name for name in order if name not in by_name]
    if missing:
        raise ManifestError(
            f"'sections' names {', '.join(repr(m) for m in missing)}, which no file in sections/ provides "
            f"(known: {', '.join(sorted(seen))})",
            manifest_path,
        )
    return [by_name[name] for name in order]


def _load_section(path: Path, audiences: frozenset[str], default_id: str | None = None) -> SectionSource:
    text = read_text(path)
    meta, template = split_front_matter(text, path)
    default_id = default_id or _PREFIX_RE.sub("", path.stem) or path.stem
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        line = meta.lines.get("title", 1) if isinstance(meta, YamlMap) else 1
        raise ManifestError("front matter needs a 'title:' (the section heading)", path, line)
    numbered = meta.get("numbered", True)
    if not isinstance(numbered, bool):
        raise ManifestError("'numbered' must be true or false", path, meta.lines["numbered"])
    section_id = meta.get("id", default_id)
    if not isinstance(section_id, str) or not section_id.strip():
        raise ManifestError("'id' must be a non-empty text", path, meta.lines["id"])
    lists = {}
    for key in ("audiences", "tags"):
        value = meta.get(key, [])
        value = [value] if isinstance(value, str) else value
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ManifestError(f"'{key}' must be a list of names", path, meta.lines[key])
        lists[key] = tuple(v.strip() for v in value)
    _check_audiences(meta, lists["audiences"], audiences, path)
    level = meta.get("level")
    if level is not None and not isinstance(level, str):
        raise ManifestError("'level' must be a handling level name", path, meta.lines["level"])
    return SectionSource(
        id=section_id.strip(),
        path=path,
        title=title.strip(),
        numbered=numbered,
        template=template,
        meta=dict(meta),
        level=level.strip().upper() if level else None,
        audiences=lists["audiences"],
        tags=lists["tags"],
    )


def _check_audiences(meta: YamlMap, names: tuple[str, ...], known: frozenset[str], path: Path) -> None:
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
    raise_all(errors)


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
    errors: list[BriefingError] = [
        ManifestError(f"unknown front matter key '{key}' (known: {', '.join(sorted(FRONT_MATTER_KEYS))})", path, meta.lines[key])
        for key in meta
        if key not in FRONT_MATTER_KEYS
    ]
    raise_all(errors)
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
