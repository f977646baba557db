"""The command line. The only place that prints errors and chooses exit codes.

Exit codes: 0 success, 1 a problem in the brief (named with file and line),
2 a usage error (bad option or argument), 3 an internal error (a bug in briefing).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from .console import AnyCaseChoice, apply_globals, color, find_brief_dir, global_options, run_action, say, shown
from .paper import PAPERS
from .printing.commands import add_commands
from .version import __version__

@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="briefing")
@global_options
@click.pass_context
def main(ctx: click.Context) -> None:
    """Turn a brief folder (brief.yaml + sections/*.md) into print-ready PDFs.

    Without BRIEF_DIR, commands use the nearest folder holding a brief.yaml, looking
    upwards from the current folder as git does. The options below work before or
    after the command's name.
    """
    ctx.ensure_object(dict)
    apply_globals(ctx)


#: Languages a new brief can be written in.
LANGUAGES = ("id", "en")


def locale_language(environ: dict[str, str] | None = None) -> str:
    """The user's language as POSIX looks it up (LC_ALL, then LC_MESSAGES, then LANG): 'id' or 'en'."""
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            code = value.split("_")[0].split(".")[0].lower()
            return code if code in LANGUAGES else "en"
    return "en"


@main.command()
@click.argument("brief_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the PDF (default: BRIEF_DIR/output/<id>.pdf).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors: fail instead of writing the PDF.")
@click.option("-a", "--audience", "audiences", multiple=True, metavar="NAME",
              help="Build only this audience's edition (repeatable). Default: every edition.")
@click.option("--report", is_flag=True, help="Also write <pdf>.report.txt: what each edition left out and why.")
@click.option("--paper", type=AnyCaseChoice(*PAPERS), help="Paper size (overrides the manifest).")
@click.option("--landscape", "orientation", flag_value="landscape", default=None, help="Landscape pages.")
@click.option("--duplex/--simplex", default=None, help="Mirrored margins with a binding gutter, for two-sided printing.")
@click.option("--print-marks/--no-print-marks", default=None, help="Crop marks and a 3 mm bleed, trim and bleed boxes set.")
@click.option("--grayscale", is_flag=True, help="Convert colours and images to gray, for monochrome printers.")
@click.option("--cmyk", is_flag=True, help="Write colours and images in CMYK, text in black ink only, for a press.")
@click.option("--draft/--final", default=None, help="A diagonal DRAFT watermark (KONSEP in Indonesian) on every page.")
@click.option("--toc/--no-toc", default=None, help="A table of contents (default: automatic above six pages).")
@click.option("--booklet", is_flag=True, help="Impose an A5 (half-Letter) edition two-up on A4 (Letter) sheets, saddle-stitched.")
@click.option("--copies", type=click.Path(dir_okay=False, path_type=Path), metavar="RECIPIENTS.yaml",
              help="Build a numbered controlled copy per recipient ('Copy 3 of 12 — name' on every page, in the brief's language).")
@click.option("--pdf-standard", type=AnyCaseChoice("none", "ua-1", "a-2b", "a-3b", "ua-1+a-2b", "ua-1+a-3b"),
              help="Claim PDF/UA-1 and/or make a PDF/A-2b/3b file (overrides the manifest's pdf_standard).")
@click.option("--layout-log", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also write where each page's flowables landed: page, frame, flowable, source file:line, y.")
@global_options
@click.pass_context
def build(ctx: click.Context, brief_dir: Path | None, output: Path | None, strict: bool, audiences: tuple[str, ...],
          report: bool, paper: str | None, orientation: str | None, duplex: bool | None, print_marks: bool | None,
          grayscale: bool, cmyk: bool, draft: bool | None, toc: bool | None, booklet: bool, copies: Path | None,
          pdf_standard: str | None, layout_log: Path | None) -> None:
    """Build the brief in BRIEF_DIR (default: the current folder) into PDFs.

    A brief with audiences builds one edition per audience, in parallel, into
    output/<id>-<audience>.pdf.
    """
    from .build import BuildOptions
    from .build import build as run_build

    options = BuildOptions(
        strict=strict, report=report, paper=paper, orientation=orientation, duplex=duplex, print_marks=print_marks,
        grayscale=grayscale, cmyk=cmyk, draft=draft, toc=None if toc is None else ("on" if toc else "off"), booklet=booklet,
        pdf_standard=pdf_standard.lower() if pdf_standard else None, layout_log=layout_log,
    )

    root = find_brief_dir(brief_dir)
    reporter = BuildReporter(ctx)
    built: list[Any] = []

    def done(result: Any) -> None:
        reporter.done(result)
        built.append(result)

    def action() -> object:
        try:
            return run_build(root, output, audiences=audiences, on_done=done, options=options,
                             copies=copies, on_start=reporter.start, on_removed=reporter.removed)
        finally:
            reporter.close()
            if copies is not None:  # the numbered copies made go into the distribution register
                from .printing.jobs import record_builds

                record_builds(root, [r for r in built if r.error is None])

    run_action(ctx, action, root)


class BuildReporter:
    """Says what happened to each edition: written, unchanged or failed, and which stale PDFs went.

    With several PDFs to make on a terminal, a progress bar runs and the lines follow it;
    otherwise (a pipe, a log) each line is printed as its edition finishes.
    """

    def __init__(self, ctx: click.Context):
        self.ctx = ctx
        self.bar: Any = None
        self.lines: list[tuple[str, bool, bool]] = []

    def start(self, count: int) -> None:
        if count > 1 and sys.stderr.isatty() and not self.ctx.obj.get("quiet"):
            cores = min(count, os.cpu_count() or 1)
            self.bar = click.progressbar(length=count, label=f"building {count} PDFs on {cores} core(s)",
                                         file=sys.stderr, color=color(self.ctx))
            self.bar.__enter__()

    def say(self, line: str, ok: bool = True, err: bool = False) -> None:
        if self.bar is not None:
            self.lines.append((line, ok, err))
        else:
            say(self.ctx, line, ok, err)

    def done(self, result: Any) -> None:
        for warning in result.warnings:
            self.say(click.style(f"warning: {warning.format(Path.cwd())}", fg="yellow"), err=True)
        label = f"{result.edition:<10} " if result.edition else ""
        if result.error is not None:
            for line in result.error.format(Path.cwd()).splitlines():
                self.say(f"error: {line}" + (f" (edition '{result.edition}')" if result.edition else ""), ok=False)
        else:
            pages = (f"{result.sheet_sides} sheet sides: {result.pages} booklet pages on {result.sheet_sides // 2} "
                     "sheets" if result.sheet_sides else f"{result.pages} page{'s' if result.pages != 1 else ''}")
            state = "  unchanged" if result.status == "unchanged" else ""
            self.say(f"{label}{shown(result.path)}{state}  ({pages}, {result.size / 1024:.0f} KiB)")
            if result.report:
                self.say(f"{' ' * len(label)}{shown(result.report)}")
        if self.bar is not None:
            self.bar.update(1)

    def removed(self, path: Path) -> None:
        self.say(f"removed {shown(path)}: its edition is no longer in brief.yaml")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        for line, ok, err in self.lines:
            say(self.ctx, line, ok, err)
        self.lines.clear()


@main.command()
@click.argument("brief_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Warnings count as errors (exit 1).")
@click.option("--format", "output_format", type=AnyCaseChoice("text", "json"), default="text",
              help="text (path:line: level: message) or json, for editors and CI.")
@global_options
@click.pass_context
def check(ctx: click.Context, brief_dir: Path | None, strict: bool, output_format: str) -> None:
    """Report every problem in the brief at once, without writing a PDF.

    Exit status: 0 clean (warnings allowed), 1 errors (or warnings with --strict).
    """
    from .check import check_brief, to_json

    root = find_brief_dir(brief_dir)
    diagnostics = run_action(ctx, lambda: check_brief(root), root)
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
@click.option("--language", type=AnyCaseChoice(*LANGUAGES), default=None,
              help="Language of the new brief's text, labels and dates (default: from LC_ALL/LC_MESSAGES/LANG, "
                   "Indonesian for an id_* locale, else English).")
@global_options
@click.pass_context
def new(ctx: click.Context, folder: Path, language: str | None) -> None:
    """Create a working brief in FOLDER (which must be empty or new): manifest, two
    sections, a timeline, sources, an image and one audience. It builds at once."""
    from .scaffold import scaffold

    language = language or locale_language()
    files = run_action(ctx, lambda: scaffold(folder, language), folder)
    say(ctx, f"created {len(files)} files in {shown(folder)}; next: briefing build {shown(folder)}")


@main.command("watch")
@click.argument("brief_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("-a", "--audience", "audiences", multiple=True, metavar="NAME", help="Rebuild only this edition (repeatable).")
@click.option("--stop-after", type=float, hidden=True, help="Stop after this many seconds (for tests).")
@global_options
@click.pass_context
def watch_command(ctx: click.Context, brief_dir: Path | None, audiences: tuple[str, ...], stop_after: float | None) -> None:
    """Rebuild the brief whenever one of its files changes (Ctrl-C to stop).

    Errors are printed and watching goes on; the previous PDFs stay until a build succeeds.
    """
    from .build import BuildOptions
    from .watch import watch

    root = find_brief_dir(brief_dir)
    say(ctx, f"watching {shown(root)} (Ctrl-C to stop)")
    try:
        watch(root, BuildOptions(), audiences, lambda line, ok: say(ctx, line, ok), stop_after)
    except KeyboardInterrupt:
        pass


@main.command("preview")
@click.argument("brief_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("-a", "--audience", metavar="NAME", help="Show this audience's edition (default: the first one).")
@click.option("--port", type=click.IntRange(0, 65535), default=8470, show_default=True,
              help="Port to serve on (0: any free one).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Loopback address to serve on; any other is refused.")
@click.option("--open/--no-open", "open_browser", default=True, help="Open the preview in the default browser.")
@click.option("--stop-after", type=float, hidden=True, help="Stop after this many seconds (for tests).")
@global_options
@click.pass_context
def preview_command(ctx: click.Context, brief_dir: Path | None, audience: str | None, port: int, host: str,
                    open_browser: bool, stop_after: float | None) -> None:
    """Show an edition in the browser, redrawn after every change (Ctrl-C to stop).

    The page keeps its place across rebuilds; a failed build shows its errors above the
    last good PDF. The server listens on this machine only.
    """
    from .preview import preview

    root = find_brief_dir(brief_dir)

    def action() -> None:
        try:
            preview(root, audience, host, port, open_browser, lambda line, ok: say(ctx, line, ok), stop_after)
        except KeyboardInterrupt:
            say(ctx, "preview stopped")

    run_action(ctx, action, root)


@main.command("audiences")
@click.argument("brief_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@global_options
@click.pass_context
def list_audiences(ctx: click.Context, brief_dir: Path | None) -> None:
    """List the brief's audiences and the sections each edition gets."""
    from .brief import load_brief
    from .edition import plan_edition

    root = find_brief_dir(brief_dir)

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

    run_action(ctx, show, root)


@main.command("serve")
@click.argument("brief_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@global_options
@click.pass_context
def serve_command(ctx: click.Context, brief_dir: Path | None) -> None:
    """Keep a build worker for the brief running, so each `briefing build` starts warm (Ctrl-C to stop).

    The worker keeps imports, fonts and caches loaded and listens on a Unix socket in
    output/.cache/serve/, for this user only. `briefing build` uses it when it runs and
    builds in its own process when not; the PDFs are the same either way.
    """
    from .build import warm_up
    from .check import check_brief
    from .errors import BriefingError
    from .rebuilds import between_builds
    from .serve import serve

    root = find_brief_dir(brief_dir)

    def warm() -> None:
        warm_up()
        try:  # every stage of every edition once, nothing written: this brief's caches filled
            check_brief(root)
        except BriefingError:
            pass  # the first build reports it

    def report(line: str) -> None:
        say(ctx, line)
        sys.stdout.flush()  # a line per build, as it happens, also into a log file

    def invoke_warm(args: list[str], prog_name: str) -> int:
        with between_builds():  # an unchanged brief is not laid out again (rebuilds.py)
            return invoke(args, prog_name)

    run_action(ctx, lambda: serve(root, invoke_warm, report, warm), root)


add_commands(main)


def invoke(args: list[str], prog_name: str | None = None) -> int:
    """Run one command line in this process and return its exit status, as a new process would end.

    The entry of `run` and of the `briefing serve` worker, which runs the builds its
    clients send with the same messages and exit statuses.
    """
    try:
        main.main(args=args, prog_name=prog_name)
        code: object = 0
    except SystemExit as stop:
        code = stop.code
    if isinstance(code, str):
        click.echo(code, err=True)
        code = 1
    return code if isinstance(code, int) else 0


def run() -> None:
    """The console entry point: run the command, then leave without tearing the interpreter down.

    Once the PDFs are written and closed, freeing every object of a large layout one by
    one only delays the exit (~50 ms at the benchmark's scale 50), so the process ends
    right away, after flushing its output streams.
    """
    code = invoke(sys.argv[1:])  # the collector's thresholds are raised by `client.run`
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said on it
            pass
    os._exit(code)
