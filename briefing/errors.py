"""The exception tree, the warning class, and the Reporter that collects both.

Every error knows its file, line and exit code and formats itself; only the CLI prints.
Warnings are not exceptions: they are collected and shown, and fail a build only under
`--strict`. A `Reporter` gathers the problems a stage finds, so one run names all of
them, sorted by file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

#: Exit codes, documented in the README.
EXIT_OK = 0
EXIT_CONTENT = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


class Located:
    """A message about a place in the brief: file and line, either possibly unknown."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None,
                 column: int | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column

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
        if not self.line:
            return str(shown)
        return f"{shown}:{self.line}:{self.column}" if self.column else f"{shown}:{self.line}"

    def format(self, root: Path | None = None) -> str:
        where = self.location(root)
        return f"{where}: {self.message}" if where else self.message

    def sort_key(self) -> tuple[str, int]:
        return (str(self.path or ""), self.line or 0)

    def __str__(self) -> str:
        return self.format()


class BriefingError(Located, Exception):
    """A problem in the brief's content that the author can fix."""

    exit_code = EXIT_CONTENT

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None,
                 column: int | None = None):
        Exception.__init__(self, message)
        Located.__init__(self, message, path, line, column)

    def __reduce__(self):  # type: ignore[no-untyped-def]
        """Keep path, line and column when an error crosses from a worker process."""
        return (_rebuild, (type(self), self.message, self.path, self.line, self.column))

    def __str__(self) -> str:
        return self.format()


class UsageError(BriefingError):
    """A bad option or argument on the command line."""

    exit_code = EXIT_USAGE


class UnknownAudience(UsageError):
    """`--audience` named an audience the manifest does not declare."""


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


class HyphenationListError(BriefingError):
    """A line of the brief's hyphenation.txt is not a word with marked break points."""


class ImageError(BriefingError):
    """An image is missing, unreadable, not an image, or too large."""


class LayoutError(BriefingError):
    """Content cannot be placed on the page."""


class OutputError(BriefingError):
    """The PDF could not be written."""


class PrintError(BriefingError):
    """A printer is missing, stopped or refusing jobs, or may not print this edition."""


class OutputIsInputError(OutputError):
    """`-o` names a file the brief reads, or a folder of its inputs: a usage error, nothing is written."""

    exit_code = EXIT_USAGE


class EditionsFailed(BriefingError):
    """Some editions of a build failed; each was reported with its own error, the others were built."""

    def __init__(self, failed: int, total: int):
        super().__init__(f"{failed} of {total} editions failed (see above); the others were built")
        self.failed, self.total = failed, total

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (EditionsFailed, (self.failed, self.total))


class ErrorList(BriefingError):
    """Several problems found in one pass; shown one per line."""

    def __init__(self, errors: list[BriefingError]):
        ordered = sorted(errors, key=BriefingError.sort_key)
        super().__init__(ordered[0].message, ordered[0].path, ordered[0].line)
        self.errors = ordered

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (ErrorList, (self.errors,))

    def format(self, root: Path | None = None) -> str:
        return "\n".join(e.format(root) for e in self.errors)


class RenderTimeout(Exception):
    """Raised by the alarm when a template renders for too long (becomes a TemplateError)."""


class TooLarge(Exception):
    """An operation in a template would build a value past the sandbox's bounds (becomes a TemplateError)."""


class InvalidValue(Exception):
    """A YAML value a schema field type refuses: says what it must be (becomes the record's error).

    *line* points at the value itself (an item of a list) when that is more precise than its key.
    """

    def __init__(self, problem: str, line: int | None = None):
        super().__init__(problem)
        self.line = line


class IppFailure(Exception):
    """The print server could not be reached, or answered with an IPP error status (becomes a PrintError)."""


class BriefingWarning(Located):
    """A problem worth telling the author about that does not stop the build (unless --strict).

    Not an exception: warnings are collected and shown, never raised.
    """

    def as_error(self) -> BriefingError:
        """The error this warning becomes under `--strict`."""
        return BriefingError(self.message, self.path, self.line, self.column)

    def __repr__(self) -> str:
        return f"BriefingWarning({self.format()!r})"


class MalformedSourceWarning(BriefingWarning):
    """A sources-file item that cannot be used and that nothing cites (every edition reports it)."""


def _rebuild(cls: type[BriefingError], message: str, path: Path | None, line: int | None,
             column: int | None = None) -> BriefingError:
    error = cls.__new__(cls)
    BriefingError.__init__(error, message, path, line, column)
    return error


def raise_all(errors: list[BriefingError]) -> None:
    """Raise nothing, the one error, or an ErrorList of all of them."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ErrorList(errors)


class Reporter:
    """Collects the errors and warnings of a run, so that one run reports every problem.

    Stages report here instead of stopping at their first problem; `build` calls
    `raise_if_errors()` between stages, `check` lists everything collected.
    """

    def __init__(self) -> None:
        self.errors: list[BriefingError] = []
        self.warnings: list[BriefingWarning] = []

    def error(self, error: BriefingError) -> None:
        """Record *error* (each error of an ErrorList)."""
        self.errors.extend(error.errors if isinstance(error, ErrorList) else [error])

    def warn(self, warning: BriefingWarning) -> None:
        self.warnings.append(warning)

    @contextmanager
    def collecting(self) -> Iterator[None]:
        """Record a BriefingError raised in the block instead of letting it through."""
        try:
            yield
        except BriefingError as error:
            self.error(error)

    def attempt(self, action: Callable[[], T]) -> T | None:
        """The result of *action*, or None after recording the BriefingError it raised."""
        with self.collecting():
            return action()
        return None

    def raise_if_errors(self) -> None:
        """Raise the errors collected so far (sorted by file and line), if any."""
        raise_all(self.errors)

    def problems(self) -> list[Located]:
        """Every error and warning, sorted by file and line."""
        return sorted([*self.errors, *self.warnings], key=Located.sort_key)
