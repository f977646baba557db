"""The command line. The only place that prints errors and chooses exit codes.

Exit codes: 0 success, 1 a problem in the brief (named with file and line),
2 a usage error (bad option or argument), 3 an internal error (a bug in briefing).
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from pathlib import Path

import click

from . import __version__
from .errors import EXIT_INTERNAL, BriefingError

#: Exit status when standard output is closed early, as a process killed by SIGPIPE reports it.
EXIT_BROKEN_PIPE = 141


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and warnings.")
@click.option("-v", "--verbose", is_flag=True, help="Print more about what is happening.")
@click.pass_context
def main(ctx: click.Context, debug: bool, quiet: bool, verbose: bool) -> None:
    """Turn a brief folder (brief.yaml + sections/*.md) into print-ready PDFs.

    Without BRIEF_DIR, commands use the nearest folder holding a brief.yaml, looking
    upwards from the current folder as git does.
    """
    ctx.obj = {"debug": debug, "quiet": quiet}
    if os.environ.get("NO_COLOR"):
        ctx.color = False
    level = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s: %(message)s")


def _brief_dir(given: Path | None) -> Path:
    """The folder given, else the nearest one upwards holding a brief.yaml, else the current one."""
    if given is not None:
        return given
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "brief.yaml").is_file():
            return folder
    return here


def _say(ctx: click.Context, line: str, ok: bool = True, err: bool = False) -> None:
    if ctx.obj.get("quiet") and ok and not err:
        return
    click.echo(click.style(line, fg=None if ok else "red"), err=err or not ok, color=ctx.color)


@main.command()
@click.argument("brief_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the PDF (default: BRIEF_DIR/output/<id>.pdf).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors: fail instead of writing the PDF.")
@click.option("-a", "--audience", "audiences", multiple=True, metavar="NAME",
              help="Build only this audience's edition (repeatable). Default: every edition.")
@click.option("--report", is_flag=True, help="Also write <pdf>.report.txt: what each edition left out and why.")
@click.option("--paper", type=click.Choice(["A4", "Letter", "Legal", "A5", "F4"]), help="Paper size (overrides the manifest).")
@click.option("--landscape", "orientation", flag_value="landscape", default=None, help="Landscape pages.")
@click.option("--duplex/--simplex", default=None, help="Mirrored margins with a binding gutter, for two-sided printing.")
@click.option("--print-marks/--no-print-marks", default=None, help="Crop marks and a 3 mm bleed, trim and bleed boxes set.")
@click.option("--grayscale", is_flag=True, help="Convert colours and images to gray, for monochrome printers.")
@click.option("--cmyk", is_flag=True, help="Write colours and images in CMYK, text in black ink only, for a press.")
@click.option("--draft/--final", default=None, help="A diagonal KONSEP / DRAFT watermark on every page.")
@click.option("--toc/--no-toc", default=None, help="A table of contents (default: automatic above six pages).")
@click.option("--booklet", is_flag=True, help="Impose an A5 (half-Letter) edition two-up on A4 (Letter) sheets, saddle-stitched.")
@click.option("--copies", type=click.Path(dir_okay=False, path_type=Path), metavar="RECIPIENTS.yaml",
              help="Build a numbered controlled copy per recipient ('Salinan 3 dari 12 — name' on every page).")
@click.pass_context
def build(ctx: click.Context, brief_dir: Path | None, output: Path | None, strict: bool, audiences: tuple[str, ...],
          report: bool, paper: str | None, orientation: str | None, duplex: bool | None, print_marks: bool | None,
          grayscale: bool, cmyk: bool, draft: bool | None, toc: bool | None, booklet: bool, copies: Path | None) -> None:
    """Build the brief in BRIEF_DIR (default: the current folder) into PDFs.

    A brief with audiences builds one edition per audience, in parallel, into
    output/<id>-<audience>.pdf.
    """
    from .build import BuildOptions
    from .build import build as run_build

    options = BuildOptions(
        strict=strict, report=report, paper=paper, orientation=orientation, duplex=duplex, print_marks=print_marks,
        grayscale=grayscale, cmyk=cmyk, draft=draft, toc=None if toc is None else ("on" if toc else "off"), booklet=booklet,
    )

    root = _brief_dir(brief_dir)

    def done(result) -> None:  # type: ignore[no-untyped-def]
        for warning in result.warnings:
            click.echo(click.style(f"warning: {warning.format(Path.cwd())}", fg="yellow"), err=True, color=ctx.color)
        label = f"{result.edition:<10} " if result.edition else ""
        _say(ctx, f"{label}{_shown(result.path)}  ({result.pages} pages, {result.size / 1024:.0f} KiB)")
        if result.report:
            _say(ctx, f"{' ' * len(label)}{_shown(result.report)}")

    def start(count: int) -> None:
        if count > 1 and sys.stderr.isatty() and not ctx.obj.get("quiet"):
            cores = min(count, os.cpu_count() or 1)
            click.echo(f"building {count} PDFs on {cores} core(s)…", err=True)

    results = _run(ctx, lambda: run_build(root, output, audiences=audiences, on_done=done, options=options, copies=copies,
                                          on_start=start), root)
    if copies is not None:  # numbered copies go into the distribution register
        from .printing.jobs import record_builds

        _run(ctx, lambda: record_builds(root, results), root)


@main.command()
@click.argument("brief_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Warnings count as errors (exit 1).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              help="text (path:line: level: message) or json, for editors and CI.")
@click.pass_context
def check(ctx: click.Context, brief_dir: Path | None, strict: bool, output_format: str) -> None:
    """Report every problem in the brief at once, without writing a PDF.

    Exit status: 0 clean (warnings allowed), 1 errors (or warnings with --strict).
    """
    from .check import check_brief, to_json

    root = _brief_dir(brief_dir)
    diagnostics = _run(ctx, lambda: check_brief(root), root)
    if output_format == "json":
        click.echo(to_json(diagnostics))
    else:
        for diagnostic in diagnostics:
            click.echo(diagnostic.format())
        errors = sum(d.level == "error" for d in diagnostics)
        warnings = len(diagnostics) - errors
        if not ctx.obj.get("quiet"):
            summary = "no problems found" if not diagnostics else f"{errors} error(s), {warnings} warning(s)"
            click.echo(summary, err=True)
    failed = any(d.level == "error" or strict for d in diagnostics)
    ctx.exit(1 if failed else 0)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--language", type=click.Choice(["id", "en"]), default="id", show_default=True,
              help="Language of the new brief's text, labels and dates.")
@click.pass_context
def new(ctx: click.Context, folder: Path, language: str) -> None:
    """Create a working brief in FOLDER (which must be empty or new): manifest, two
    sections, a timeline, sources, an image and one audience. It builds at once."""
    from .scaffold import scaffold

    files = _run(ctx, lambda: scaffold(folder, language), folder)
    _say(ctx, f"created {len(files)} files in {_shown(folder)}; next: briefing build {_shown(folder)}")


@main.command("watch")
@click.argument("brief_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("-a", "--audience", "audiences", multiple=True, metavar="NAME", help="Rebuild only this edition (repeatable).")
@click.option("--stop-after", type=float, hidden=True, help="Stop after this many seconds (for tests).")
@click.pass_context
def watch_command(ctx: click.Context, brief_dir: Path | None, audiences: tuple[str, ...], stop_after: float | None) -> None:
    """Rebuild the brief whenever one of its files changes (Ctrl-C to stop).

    Errors are printed and watching goes on; the previous PDFs stay until a build succeeds.
    """
    from .build import BuildOptions
    from .watch import watch

    root = _brief_dir(brief_dir)
    _say(ctx, f"watching {_shown(root)} (Ctrl-C to stop)")
    try:
        watch(root, BuildOptions(), audiences, lambda line, ok: _say(ctx, line, ok), stop_after)
    except KeyboardInterrupt:
        pass


@main.command("audiences")
@click.argument("brief_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def list_audiences(ctx: click.Context, brief_dir: Path | None) -> None:
    """List the brief's audiences and the sections each edition gets."""
    from .brief import load_brief
    from .edition import plan_edition

    root = _brief_dir(brief_dir)

    def show() -> None:
        brief = load_brief(root)
        if not brief.manifest.audiences:
            click.echo("This brief declares no audiences: `briefing build` makes one edition.")
        for audience in brief.manifest.audiences:
            edition = plan_edition(brief, audience)
            facts = [edition.manifest.language, audience.level or "all levels"]
            if audience.page_budget:
                facts.append(f"max {audience.page_budget} pages")
            click.echo(f"{audience.id}: {audience.label} ({', '.join(facts)})")
            for section in edition.sections:
                click.echo(f"    {section.id:<28} {section.path.name}")

    _run(ctx, show, root)


def _add_printing_commands() -> None:
    from .printing.commands import add_commands

    add_commands(main)


_add_printing_commands()


def _run(ctx: click.Context, action, root: Path):  # type: ignore[no-untyped-def]
    """Run *action*; turn a BriefingError into a short message and its exit code."""
    try:
        return action()
    except BriefingError as exc:
        if ctx.obj.get("debug"):
            raise
        for line in exc.format(Path.cwd()).splitlines():
            click.echo(click.style(f"error: {line}", fg="red"), err=True, color=ctx.color)
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


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def run() -> None:
    """The console entry point: run the command, then leave without tearing the interpreter down.

    Once the PDFs are written and closed, freeing every object of a large layout one by
    one only delays the exit (~50 ms at the benchmark's scale 50), so the process ends
    right away, after flushing its output streams.
    """
    # A build allocates hundreds of thousands of small objects that live until the PDF is
    # written; collecting the youngest generation every 700 allocations walks them again
    # and again (~3% of a large build, measured).
    gc.set_threshold(50_000, 20, 20)
    try:
        main()
        code: object = 0
    except SystemExit as exit:
        code = exit.code
    if isinstance(code, str):
        click.echo(code, err=True)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said on it
            pass
    os._exit(code if isinstance(code, int) else 0)
