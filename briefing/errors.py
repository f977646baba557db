"""The exception tree. Every error knows its file and line and formats itself.

Only the CLI prints; everything else raises one of these.
"""

from __future__ import annotations

from pathlib import Path

#: Exit codes, documented in the README.
EXIT_OK = 0
EXIT_CONTENT = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class BriefingError(Exception):
    """A problem in the brief's content that the author can fix."""

    exit_code = EXIT_CONTENT

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line

    def __reduce__(self):  # type: ignore[no-untyped-def]
        """Keep path and line when an error crosses from a worker process."""
        return (_rebuild, (type(self), self.message, self.path, self.line))

    def location(self, root: Path | None = None) -> str:
        """`path:line` relative to *root* where possible, or '' when unknown."""
        if self.path is None:
            return ""
        shown = self.path
        if root is not None:
            try:
                shown = self.path.resolve().relative_to(root.resolve())
            except ValueError:
                pass
        return f"{shown}:{self.line}" if self.line else str(shown)

    def format(self, root: Path | None = None) -> str:
        where = self.location(root)
        return f"{where}: {self.message}" if where else self.message

    def __str__(self) -> str:
        return self.format()


class BriefFolderError(BriefingError):
    """The brief folder is missing, or a path points outside it."""


class ManifestError(BriefingError):
    """brief.yaml (or another YAML data file) is malformed or fails the schema."""


class TemplateError(BriefingError):
    """A section's Jinja2 template failed to parse or render."""


class MarkdownError(BriefingError):
    """A section's Markdown uses a construct the brief format does not support."""


class TimelineError(BriefingError):
    """A timeline event is malformed."""


class LayoutError(BriefingError):
    """Content cannot be placed on the page."""


class OutputError(BriefingError):
    """The PDF could not be written."""


class PrintError(BriefingError):
    """A printer is missing, stopped or refusing jobs, or may not print this edition."""


class BriefingWarning(BriefingError):
    """A problem worth telling the author about that does not stop the build (unless --strict)."""


class ErrorList(BriefingError):
    """Several problems found in one pass; shown one per line."""

    def __init__(self, errors: list[BriefingError]):
        ordered = sorted(errors, key=lambda e: (str(e.path or ""), e.line or 0))
        super().__init__(ordered[0].message, ordered[0].path, ordered[0].line)
        self.errors = ordered

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (ErrorList, (self.errors,))

    def format(self, root: Path | None = None) -> str:
        return "\n".join(e.format(root) for e in self.errors)


def _rebuild(cls: type, message: str, path: Path | None, line: int | None) -> BriefingError:
    error = cls.__new__(cls)
    BriefingError.__init__(error, message, path, line)
    return error


def raise_all(errors: list[BriefingError]) -> None:
    """Raise nothing, the one error, or an ErrorList of all of them."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ErrorList(errors)
