"""Stage 2, render: run each section's Jinja2 template in a sandbox.

Sections are untrusted: they render in `SandboxedEnvironment` with `StrictUndefined`,
may import macros only from the brief's partials folder, and have a bound on output
size. Jinja's errors become `TemplateError`s that name the author's file and line.
A section with no template syntax at all is its own rendering: Jinja is imported,
and the sandbox built, only for a brief that uses it.
"""

from __future__ import annotations

import re
import signal
import threading
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from .errors import RenderTimeout, TemplateError, TooLarge
from .hints import imported_partials, missing_partial_message, unclosed_block, undefined_message
from .model import Audience, Manifest, SectionSource

if TYPE_CHECKING:
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

#: Rendered text larger than this is refused (a runaway loop, not a brief).
MAX_OUTPUT_CHARS = 5_000_000
#: Seconds one section's template may take to render.
RENDER_SECONDS = 10.0
#: Items (characters of a string, elements of a list) one template value may hold.
MAX_VALUE_ITEMS = MAX_OUTPUT_CHARS
#: Items `range()` may produce.
MAX_RANGE = 100_000
#: Bits an integer made by `**` may have (about 30,000 decimal digits).
MAX_POWER_BITS = 100_000
#: Bytes of address space a section's render may add; past it the render fails with MemoryError.
RENDER_MEMORY = 256 * 1024 * 1024


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after *seconds* (main thread only; elsewhere the size bound still holds)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def alarm(_signum: int, _frame: object) -> None:
        raise RenderTimeout()

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def memory_limit(extra: int) -> Iterator[None]:
    """Let the block grow the process's address space by at most *extra* bytes.

    The caps on repetition, powers and ranges stop the common runaways before they
    allocate; this catches the rest (a string doubled in a loop, a huge padding
    width) as a `MemoryError` instead of letting them take the machine's memory.
    `RLIMIT_AS` is per process, so, like the time limit, it applies only on the
    main thread (a build's editions each run in their own process), and the
    previous limit is back when the block ends.
    """
    current = _address_space()
    if current is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = current + extra
    if soft != resource.RLIM_INFINITY and soft <= wanted:
        yield  # already bounded more tightly by whoever started us
        return
    resource.setrlimit(resource.RLIMIT_AS, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space() -> int | None:
    """This process's address-space size in bytes (Linux), or None where it cannot be known."""
    try:
        import resource

        pages = int(Path("/proc/self/statm").read_text().split()[0])
        return pages * resource.getpagesize()
    except (ImportError, OSError, ValueError, IndexError):
        return None


def _bounded_range(*args: int) -> range:
    """`range()` for templates: refuses more than MAX_RANGE items before making any."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TooLarge(f"range() of {len(numbers):,} items (at most {MAX_RANGE:,})")
    return numbers


def _check_binop(op: str, left: Any, right: Any) -> None:
    """Refuse `*`, `+` and `**` whose result would be too large, before computing it."""
    if op == "*":
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and len(seq) * count > MAX_VALUE_ITEMS:
                raise TooLarge(f"a repetition of {len(seq) * count:,} items (at most {MAX_VALUE_ITEMS:,})")
    elif op == "+":
        if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)) \
                and len(left) + len(right) > MAX_VALUE_ITEMS:
            raise TooLarge(f"a value of {len(left) + len(right):,} items (at most {MAX_VALUE_ITEMS:,})")
    elif op == "**" and isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
        if right * (abs(left).bit_length() - 1) > MAX_POWER_BITS:
            raise TooLarge(f"a power of about {right * (abs(left).bit_length() - 1):,} bits (at most {MAX_POWER_BITS:,})")


def make_environment(partials_dir: Path) -> SandboxedEnvironment:
    """The sandbox; `{% import %}`/`{% include %}` targets load from the partials folder only."""
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    folder = partials_dir.resolve()

    class PartialsLoader(jinja2.BaseLoader):
        folder = partials_dir
        def get_source(self, _environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
            from .files import read_text

            candidate = (folder / template).resolve()
            if Path(template).is_absolute() or not candidate.is_relative_to(folder):
                raise jinja2.TemplateNotFound(f"{template} (only files in sections/_partials/ can be imported)")
            if not candidate.is_file():
                raise jinja2.TemplateNotFound(template)
            mtime = candidate.stat().st_mtime
            text = read_text(candidate)
            check_old_comments(text, candidate)
            text = drop_tag_lines(text)
            return text, str(candidate), lambda: candidate.stat().st_mtime == mtime

    class BoundedEnvironment(SandboxedEnvironment):
        """The sandbox with repetition, concatenation and powers checked before they run."""

        intercepted_binops = frozenset({"*", "+", "**"})

        def call_binop(self, context: jinja2.runtime.Context, op: str, left: Any, right: Any) -> Any:
            _check_binop(op, left, right)
            return super().call_binop(context, op, left, right)

    env = BoundedEnvironment(loader=PartialsLoader(), undefined=jinja2.StrictUndefined, **WHITESPACE, **COMMENTS)
    env.globals["range"] = _bounded_range
    return env


#: Jinja's whitespace settings. `trim_blocks` is off: it also eats the newline after a tag that
#: ends a line of text, which merges that line's paragraph with the next. Tags standing alone on
#: their line are removed with the line by `drop_tag_lines` instead.
WHITESPACE: dict[str, bool] = {"autoescape": False, "keep_trailing_newline": True, "trim_blocks": False,
                               "lstrip_blocks": True}

#: Jinja's comment delimiters. `{#` opens a Pandoc/Quarto label (`{#fig-peta}`, `## Title {#sec-x}`),
#: so a comment is written `{## … ##}`.
COMMENTS: dict[str, str] = {"comment_start_string": "{##", "comment_end_string": "##}"}

#: One block tag or comment; `%}`/`##}` cannot occur inside, newlines can.
_TAG = r"(?:\{%(?:[^%]|%(?!\}))*%\}|\{##(?:[^#]|#(?!#\}))*##\})"
#: A line holding nothing but block tags and comments (and blanks), with its newline.
_TAG_LINE = re.compile(rf"^[ \t]*(?:{_TAG}[ \t]*)+\n", re.MULTILINE)
_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.DOTALL)
#: `{%-` / `-%}`: on a line of its own, stripping the whitespace around would eat blank lines.
_STRIP_MARK = re.compile(r"(?<=\{%)-|(?<=\{##)-|-(?=%\}|##\})")
#: A comment in the old delimiters, `{# … #}`: `{#` not part of `{##`, then text to `#}` with no lone `}`
#: (which ends a label such as `{#fig-peta}`); expressions and tags may stand inside.
_OLD_COMMENT = re.compile(r"\{#(?!#)(?:[^{}#]|\{\{.*?\}\}|\{%.*?%\}|#(?!\})|\{(?![{%]))*?#\}", re.DOTALL)


def drop_tag_lines(source: str) -> str:
    """Make a line that holds only block tags vanish with its newline, and nothing more.

    The newline moves into a Jinja comment (`{##\n##}`), so the template keeps its line
    numbers; whitespace-control dashes on such a line are dropped, because they would
    also remove the blank lines that separate paragraphs. Raw blocks are left as written.
    """
    raw = [m.span() for m in _RAW.finditer(source)]

    def replace(match: re.Match[str]) -> str:
        if any(start < match.end() - 1 < end for start, end in raw):
            return match.group(0)
        return _STRIP_MARK.sub("", match.group(0)[:-1]) + "{##\n##}"

    return _TAG_LINE.sub(replace, source)


def check_old_comments(source: str, path: Path) -> None:
    """A `{# … #}` comment (Jinja's default delimiters) is an error that says how comments are written now.

    Left alone it would print: `{#` is free for Pandoc/Quarto labels such as `{#fig-peta}`.
    """
    match = _OLD_COMMENT.search(source)
    if match is not None:
        line = source.count("\n", 0, match.start()) + 1
        shown = match.group(0) if len(match.group(0)) <= 40 else match.group(0)[:37] + "..."
        raise TemplateError(f"'{shown}' is an old-style template comment: comments are written {{## … ##}} "
                            "(a '{#' begins a label such as {#fig-peta}); add a '#' at each end", path, line)


#: What opens a Jinja tag, expression or comment; a section without one renders as itself.
_TEMPLATE_SYNTAX = re.compile(r"\{[{%]|\{##")


class SectionRenderer:
    """Renders the sections of one edition; builds the sandbox on first need."""

    def __init__(self, partials_dir: Path):
        self.partials_dir = partials_dir
        self._env: SandboxedEnvironment | None = None

    def render(self, section: SectionSource, context: dict[str, Any]) -> Rendered:
        check_old_comments(section.template, section.path)
        if not _TEMPLATE_SYNTAX.search(section.template):
            return _verbatim(section.template)
        if self._env is None:
            self._env = make_environment(self.partials_dir)
        return render_section(self._env, section, context)


def _verbatim(text: str) -> Rendered:
    """Text without template syntax, as Jinja would render it, each line mapped to itself."""
    line_map: list[int] = []
    for number, line in enumerate(text.split("\n"), start=1):
        line_map.append(number if line.strip() or not line_map else line_map[-1])
    return Rendered(text, tuple(line_map))


def template_context(manifest: Manifest, audience: Audience | None) -> dict[str, Any]:
    """What every section template sees: `brief` (the edition's manifest), `vars` and `audience`.

    `audience` is None in a brief without audiences; otherwise its id, label, language
    and variables. `vars` is the manifest's variables overlaid by the audience's.
    """
    edition = {
        "id": audience.id,
        "label": audience.label,
        "language": manifest.language,
        "level": audience.level,
        "variables": dict(audience.variables),
    } if audience else None
    data = asdict(manifest)
    data.pop("audiences", None)
    return {"brief": data, "vars": dict(manifest.variables), "audience": edition}


@dataclass(frozen=True)
class Rendered:
    """A section's Markdown after templating, with where each line came from."""

    text: str
    line_map: tuple[int, ...]
    """line_map[n - 1] is the template line that produced rendered line n."""


def render_section(env: SandboxedEnvironment, section: SectionSource, context: dict[str, Any]) -> Rendered:
    """Render one section's template to Markdown text, keeping a rendered-to-source line map.

    The map comes from the compiled template itself: after each chunk of output,
    the paused render function's line is translated back to the template line
    (Jinja keeps that correspondence for its tracebacks).
    """
    import jinja2
    import jinja2.sandbox

    filename = str(section.path)
    variables = {**context, "section": {"id": section.id, "title": section.title}}
    too_large: tuple[str, Path, int | None] | None = None
    try:
        source = drop_tag_lines(section.template)
        with time_limit(RENDER_SECONDS), memory_limit(RENDER_MEMORY):
            template = _compile(env, source, filename)
            return _render_mapped(template, variables, section.path, source)
    except (TooLarge, MemoryError) as exc:
        # Only the location is kept: the traceback holds the frames that hold the huge values.
        detail = f": {exc}" if isinstance(exc, TooLarge) else ""
        too_large = (detail, *_error_location(exc, section.path))
    except RenderTimeout:
        raise TemplateError(f"template took more than {RENDER_SECONDS:g} s to render; is a loop running away?",
                            section.path) from None
    except jinja2.TemplateSyntaxError as exc:
        path = Path(exc.filename) if exc.filename else section.path
        raise _syntax_error(env, exc, path, section) from None
    except jinja2.TemplateNotFound as exc:
        path, line = _error_location(exc, section.path)
        message = f"cannot import '{exc.name}'" if "(" in str(exc.name) else missing_partial_message(
            str(exc.name), _partials_dir(env))
        raise TemplateError(message, path, line) from None
    except jinja2.UndefinedError as exc:
        path, line = _error_location(exc, section.path)
        raise _undefined_error(exc, path, line, section, variables, _partials_dir(env)) from None
    except jinja2.exceptions.SecurityError as exc:
        path, line = _error_location(exc, section.path)
        raise TemplateError(f"not allowed in a section template: {exc}", path, line) from None
    except (jinja2.TemplateError, ArithmeticError, TypeError, ValueError, LookupError, RecursionError) as exc:
        path, line = _error_location(exc, section.path)
        raise TemplateError(f"template error: {exc}", path, line) from None
    assert too_large is not None  # every other way out of the try returns or raises
    detail, path, line = too_large
    raise TemplateError(f"template uses too much memory{detail}; make the value smaller", path, line)


def _partials_dir(env: SandboxedEnvironment) -> Path:
    return getattr(env.loader, "folder", Path("sections/_partials"))


def _source_of(path: Path, section: SectionSource) -> str:
    """The template text at *path* as compiled: the section's own, or a partial's."""
    from .files import read_text

    return drop_tag_lines(section.template if path == section.path else read_text(path))


def _syntax_error(env: SandboxedEnvironment, exc: jinja2.TemplateSyntaxError, path: Path,
                  section: SectionSource) -> TemplateError:
    """A syntax error; an unclosed block is reported at the line that opened it."""
    if exc.message and exc.message.startswith("Unexpected end of template"):
        try:
            opened = unclosed_block(env.lex(_source_of(path, section)))
        except Exception:  # the lexer fails on what the parser failed on: keep Jinja's words
            opened = None
        if opened is not None:
            tag, line = opened
            return TemplateError(f"'{{% {tag} %}}' is never closed: add '{{% end{tag} %}}' where the block ends",
                                 path, line)
    return TemplateError(f"template syntax error: {exc.message}", path, exc.lineno)


def _undefined_error(exc: jinja2.UndefinedError, path: Path, line: int | None, section: SectionSource,
                     context: dict[str, Any], partials_dir: Path) -> TemplateError:
    """An undefined name, said as written (`vars.x`), with the names that are defined."""
    try:
        source = _source_of(path, section)
    except Exception:
        source = ""
    lines = source.split("\n")
    written = lines[line - 1] if line and line <= len(lines) else ""
    imports = imported_partials(source, partials_dir)
    return TemplateError(undefined_message(exc.message or "", written, context, imports, partials_dir), path, line)


def _render_mapped(template: jinja2.Template, variables: dict[str, Any], path: Path, source: str) -> Rendered:
    generator = template.root_render_func(template.new_context(variables))
    line_starts = [0] + [i + 1 for i, ch in enumerate(source) if ch == "\n"]
    chunks: list[str] = []
    line_map: list[int | None] = [None]
    size, source_line = 0, 1
    try:
        for chunk in generator:
            frame = getattr(generator, "gi_frame", None)  # the render function is a generator
            if frame is not None:
                source_line = template.get_corresponding_lineno(frame.f_lineno)
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateError(
                    f"template output exceeds {MAX_OUTPUT_CHARS:,} characters; is a loop running away?", path)
            chunks.append(chunk)
            start = line_starts[min(source_line, len(line_starts)) - 1]
            for index, line in enumerate(_chunk_lines(chunk, source, start, source_line)):
                if index:
                    line_map.append(None)
                if line is not None and line_map[-1] is None:
                    line_map[-1] = line
    except (TemplateError, RenderTimeout):
        raise
    except Exception:
        template.environment.handle_exception()  # re-raises with template lines in the traceback
    filled: list[int] = []
    for line in line_map:
        filled.append(line if line is not None else (filled[-1] if filled else 1))
    return Rendered("".join(chunks), tuple(filled))


def _chunk_lines(chunk: str, source: str, start: int, source_line: int) -> list[int | None]:
    """The file line of each line of one rendered chunk (None for a blank one).

    Literal template text is found where it stands, so each of its lines maps exactly; a
    chunk Jinja joined from literal pieces (text around a `{% raw %}` block) is found line by
    line, in order; the output of an expression or macro maps to where it was called.
    """
    pieces = chunk.split("\n")
    if not chunk.strip():
        return [None] * len(pieces)
    found = source.find(chunk, start)
    if found >= 0:
        first = source.count("\n", 0, found) + 1
        return [first + index if piece.strip() else None for index, piece in enumerate(pieces)]
    lines: list[int | None] = []
    for piece in pieces:
        at = source.find(piece, start) if piece.strip() else -1
        if at >= 0:
            start = at + len(piece)
        lines.append(None if not piece.strip() else source.count("\n", 0, at) + 1 if at >= 0 else source_line)
    return lines


def _compile(env: SandboxedEnvironment, source: str, filename: str) -> jinja2.Template:
    code = env.compile(source, name=None, filename=filename)
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def _error_location(exc: BaseException, section_path: Path) -> tuple[Path, int | None]:
    """The innermost template frame in the traceback: (file, line) the author wrote.

    Jinja rewrites tracebacks so template frames carry the template's file name and
    source line; frames from the section itself or from a partial qualify.
    """
    brief_sections = section_path.parent.resolve()
    path, line = section_path, None
    tb = exc.__traceback__
    while tb is not None:
        filename = Path(tb.tb_frame.f_code.co_filename)
        if filename.is_absolute() and filename.resolve().is_relative_to(brief_sections):
            path, line = filename, tb.tb_lineno
        tb = tb.tb_next
    return path, line
