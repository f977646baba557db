"""What every command shares: the global options, any-case choices, the output helpers and
the wrapper that turns a BriefingError into a message and its exit code.

A module of its own so that command modules outside cli.py (`printing/commands.py`) use
the same conventions without importing cli.py, which imports them.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Callable, TypeVar

import click

from .errors import EXIT_INTERNAL, BriefingError

#: Exit status when standard output is closed early, as a process killed by SIGPIPE reports it.
EXIT_BROKEN_PIPE = 141
T = TypeVar("T")


def _set_global(ctx: click.Context, param: click.Parameter, value: object) -> None:
    """Record a global option given before or after the command name; the last one given wins."""
    if value is None:
        return
    root = ctx.find_root()
    root.ensure_object(dict)[str(param.name)] = value
    apply_globals(root)


def apply_globals(root: click.Context) -> None:
    """Colour and log level from the global options gathered so far (NO_COLOR when --color is not given)."""
    settings = root.ensure_object(dict)
    color = settings.get("color")
    root.color = bool(color) if color is not None else (False if os.environ.get("NO_COLOR") else None)
    setup_logging(debug=bool(settings.get("debug")), quiet=bool(settings.get("quiet")),
                  verbose=bool(settings.get("verbose")))


def global_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command accepts, before or after its name (`briefing -q build`, `briefing build -q`)."""
    options = [
        click.option("--debug", is_flag=True, default=None, expose_value=False, callback=_set_global,
                     help="Show the full traceback when something fails."),
        click.option("-q", "--quiet", is_flag=True, default=None, expose_value=False, callback=_set_global,
                     help="Print only errors and warnings."),
        click.option("-v", "--verbose", is_flag=True, default=None, expose_value=False, callback=_set_global,
                     help="Print more about what is happening."),
        click.option("--color/--no-color", default=None, expose_value=False, callback=_set_global,
                     help="Colour the messages (default: on a terminal, unless NO_COLOR is set)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


class AnyCaseChoice(click.Choice):  # type: ignore[type-arg]
    """A choice matched without regard to case (`--paper letter` is `Letter`), shown as spelt."""

    def __init__(self, *choices: str):
        super().__init__(choices, case_sensitive=False)

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:  # noqa: ARG002 (Click passes them by name)
        return f"[{'|'.join(map(str, self.choices))}]"

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:  # noqa: ARG002 (Click passes ctx by name)
        return f"{value!r} is not one of {', '.join(map(repr, self.choices))} (in any case)."


class _EchoHandler(logging.Handler):
    """Writes each record as a line on the current standard error (as `click.echo` finds it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            click.echo(self.format(record), err=True)
        except Exception:  # a log line must never break a build
            self.handleError(record)


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = super().format(record)
        return message if record.levelno == logging.INFO else f"{record.levelname.lower()}: {message}"


def setup_logging(debug: bool, quiet: bool, verbose: bool) -> None:
    """The `briefing` logger: `-v` shows what was loaded, each stage's time and cache hits;
    `-q` (and the default) only warnings and errors; `--debug` everything."""
    logger = logging.getLogger("briefing")
    for handler in [h for h in logger.handlers if isinstance(h, _EchoHandler)]:
        logger.removeHandler(handler)
    handler = _EchoHandler()
    handler.setFormatter(_Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.DEBUG if debug else logging.INFO if verbose and not quiet else logging.WARNING)


def find_brief_dir(given: Path | None) -> Path:
    """The folder given, else the nearest one upwards holding a brief.yaml, else the current one."""
    if given is not None:
        return given
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "brief.yaml").is_file():
            return folder
    return here


def color(ctx: click.Context) -> bool | None:
    """Whether to colour messages: --color/--no-color of the whole command line (None: Click decides)."""
    return ctx.find_root().color


def say(ctx: click.Context, line: str, ok: bool = True, err: bool = False) -> None:
    """A line of output: on stdout unless *err*; in red on stderr when not *ok*; nothing under -q unless a problem."""
    if ctx.obj.get("quiet") and ok and not err:
        return
    click.echo(click.style(line, fg=None if ok else "red"), err=err or not ok, color=color(ctx))


def run_action(ctx: click.Context, action: Callable[[], T], root: Path) -> T:
    """Run *action*; turn a BriefingError into a short message and its exit code."""
    try:
        return action()
    except BriefingError as exc:
        if ctx.obj.get("debug"):
            raise
        for line in exc.format(Path.cwd()).splitlines():
            click.echo(click.style(f"error: {line}", fg="red"), err=True, color=color(ctx))
        ctx.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        ctx.exit(130)
    except BrokenPipeError:  # the reader of our output went away (`briefing ... | head`): nothing to say
        ctx.exit(EXIT_BROKEN_PIPE)
    except Exception as exc:  # a bug in briefing, not in the brief
        if ctx.obj.get("debug"):
            raise
        click.echo(
            f"error: internal error while building {root}: {type(exc).__name__}: {exc}\n"
            "This is a bug in briefing; run with --debug for the traceback and report it.",
            err=True,
        )
        ctx.exit(EXIT_INTERNAL)


def shown(path: Path) -> str:
    """*path* relative to the current folder when it is inside it, as messages show files."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
