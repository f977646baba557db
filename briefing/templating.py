"""Stage 2, render: run each section's Jinja2 template in a sandbox.

Sections are untrusted: they render in `SandboxedEnvironment` with `StrictUndefined`,
may import macros only from the brief's partials folder, and have a bound on output
size. Jinja's errors become `TemplateError`s that name the author's file and line.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from .errors import TemplateError
from .model import Audience, Manifest, SectionSource

#: Rendered text larger than this is refused (a runaway loop, not a brief).
MAX_OUTPUT_CHARS = 5_000_000


class PartialsLoader(jinja2.BaseLoader):
    """Loads `{% import %}`/`{% include %}` targets from the partials folder only."""

    def __init__(self, folder: Path):
        self.folder = folder.resolve()

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        from .brief import read_text

        candidate = (self.folder / template).resolve()
        if Path(template).is_absolute() or not candidate.is_relative_to(self.folder):
            raise jinja2.TemplateNotFound(f"{template} (only files in sections/_partials/ can be imported)")
        if not candidate.is_file():
            raise jinja2.TemplateNotFound(template)
        mtime = candidate.stat().st_mtime
        return read_text(candidate), str(candidate), lambda: candidate.stat().st_mtime == mtime


def make_environment(partials_dir: Path) -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=PartialsLoader(partials_dir),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


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


def render_section(env: SandboxedEnvironment, section: SectionSource, context: dict[str, Any]) -> str:
    """Render one section's template to Markdown text."""
    filename = str(section.path)
    try:
        template = _compile(env, section.template, filename)
        chunks: list[str] = []
        size = 0
        for chunk in template.generate(**context, section={"id": section.id, "title": section.title}):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise TemplateError(
                    f"template output exceeds {MAX_OUTPUT_CHARS:,} characters; is a loop running away?",
                    section.path,
                )
            chunks.append(chunk)
        return "".join(chunks)
    except jinja2.TemplateSyntaxError as exc:
        path = Path(exc.filename) if exc.filename else section.path
        raise TemplateError(f"template syntax error: {exc.message}", path, exc.lineno) from None
    except jinja2.TemplateNotFound as exc:
        path, line = _error_location(exc, section.path)
        raise TemplateError(f"cannot import '{exc.name}'", path, line) from None
    except jinja2.UndefinedError as exc:
        path, line = _error_location(exc, section.path)
        raise TemplateError(f"undefined variable: {exc.message}", path, line) from None
    except jinja2.sandbox.SecurityError as exc:
        path, line = _error_location(exc, section.path)
        raise TemplateError(f"not allowed in a section template: {exc}", path, line) from None
    except (jinja2.TemplateError, ArithmeticError, TypeError, ValueError, LookupError, RecursionError) as exc:
        path, line = _error_location(exc, section.path)
        raise TemplateError(f"template error: {exc}", path, line) from None


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
