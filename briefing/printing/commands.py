"""The `print`, `printers` and `register` commands: Click glue over jobs.py, cups.py and register.py."""

from __future__ import annotations

import json
import shlex
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable

import click

from ..console import AnyCaseChoice, color, find_brief_dir, global_options, run_action, say, shown

BRIEF_DIR = click.argument("brief_dir", required=False, type=click.Path(file_okay=False, path_type=Path))


@click.command("print")
@BRIEF_DIR
@click.option("-a", "--audience", metavar="NAME", help="The edition to print (required when the brief has audiences).")
@click.option("--printer", metavar="NAME", help="CUPS queue (default: the audience's 'printer:', else the CUPS default).")
@click.option("--copies", type=click.Path(dir_okay=False, path_type=Path), metavar="RECIPIENTS.yaml",
              help="Print a numbered controlled copy per recipient, one job each.")
@click.option("--booklet", is_flag=True, help="Print the edition as a saddle-stitched booklet (duplex, short edge).")
@click.option("--dry-run", is_flag=True, help="Build and show the jobs and their options; send nothing.")
@click.option("--timeout", type=click.FloatRange(min=0), default=300, show_default=True,
              help="Seconds to wait for CUPS to finish the jobs.")
@global_options
@click.pass_context
def print_command(ctx: click.Context, brief_dir: Path | None, audience: str | None, printer: str | None, copies: Path | None,
                  booklet: bool, dry_run: bool, timeout: float) -> None:
    """Build an edition and print it through CUPS, registering every job in output/register.csv.

    Exit status: 0 every job completed; 1 a missing, stopped or rejecting printer, an
    edition above the printer's max_level, or a job that failed, was cancelled or did
    not finish in time (its row says so).
    """
    from ..brief import load_brief
    from . import jobs

    root = find_brief_dir(brief_dir)

    def action() -> None:
        brief = load_brief(root)
        queue = jobs.choose_queue(brief, audience, printer)
        plan = jobs.plan(brief, audience, queue, copies, booklet, on_done=_failed_copies(ctx))
        for warning in plan.warnings:
            say(ctx, click.style(f"warning: {warning}", fg="yellow"), err=True)
        for note in plan.dropped:
            say(ctx, f"note: {note}", err=True)
        if dry_run:
            for job in plan.jobs:
                options = [f"-o {k}={v}" for k, v in job.options.items()]
                click.echo(shlex.join(["lp", "-d", plan.queue, "-t", job.title]) + " " + " ".join(options) +
                           f" -- {shown(job.pdf)}  # {job.pages} pages, sha256 {job.sha256[:12]}")
            return
        try:
            rows = jobs.run(plan, jobs.register_path(root), timeout, _progress(ctx))
        finally:
            if sys.stderr.isatty() and not ctx.obj.get("quiet"):
                click.echo("", err=True)  # end the progress line
        for row in rows:
            who = f"  copy {row.copy} — {row.recipient}" if row.copy else ""
            say(ctx, f"{row.job_id}  {row.state}{who}")

    run_action(ctx, action, root)


@click.command("printers")
@global_options
@click.pass_context
def printers_command(ctx: click.Context) -> None:
    """List the CUPS queues with their state, sides and paper sizes (* marks the default)."""
    from . import cups
    from ..paper import PAPERS
    from .jobs import media_name

    def show() -> None:
        default = cups.default_queue()
        found = cups.queues()
        if not found:
            click.echo("no printer queues: add one with lpadmin (see the README, 'Printing')")
        for queue in found:
            media = queue.supported.get("media", ())
            known = [p for p in PAPERS if media_name(p, media)]
            more = len(media) - len(known)
            accepting = "accepting jobs" if queue.accepting else "rejecting jobs"
            click.echo(f"{'*' if queue.name == default else ' '} {queue.name}  {queue.state}, {accepting}  "
                       f"sides: {', '.join(queue.supported.get('sides', ())) or '-'}  "
                       f"media: {', '.join(known) or '-'}{f' (+{more} more)' if more > 0 else ''}")

    run_action(ctx, show, Path.cwd())


@click.command("register")
@BRIEF_DIR
@click.option("--edition", metavar="NAME", help="Only this edition's rows.")
@click.option("--format", "output_format", type=AnyCaseChoice("text", "json"), default="text",
              help="text, or json for tools.")
@global_options
@click.pass_context
def register_command(ctx: click.Context, brief_dir: Path | None, edition: str | None, output_format: str) -> None:
    """Show the distribution register (output/register.csv): every copy built and every job printed."""
    from . import register
    from .jobs import register_path

    root = find_brief_dir(brief_dir)
    rows = run_action(ctx, lambda: register.read(register_path(root)), root)
    rows = [r for r in rows if edition is None or r.edition == edition]
    if output_format == "json":
        click.echo(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("the register is empty" if edition is None else f"no rows for edition '{edition}'", err=True)
    for r in rows:
        click.echo(f"{r.time}  {r.action:<7} {r.edition or '-':<10} {r.marking or '-':<9} {r.copy or '-':<6} "
                   f"{r.job_id or '-':<14} {r.state:<10} {r.sha256[:12]}  {r.recipient}".rstrip())


def _failed_copies(ctx: click.Context) -> Callable[[Any], None]:
    """Each copy that failed to build, with its error (the build goes on with the others, then stops the print)."""

    def done(result: Any) -> None:
        if result.error is None:
            return
        copy = f" (copy {result.copy[0]})" if result.copy else ""
        for line in result.error.format(Path.cwd()).splitlines():
            say(ctx, f"error: {line}{copy}", ok=False)

    return done


def _progress(ctx: click.Context) -> Callable[[dict[str, int]], None]:
    """A progress line on stderr: rewritten in place on a terminal, a new line per change otherwise."""
    last: list[str] = []

    def show(counts: dict[str, int]) -> None:
        line = "waiting for CUPS: " + ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
        if ctx.obj.get("quiet") or (last and last[0] == line):
            return
        last[:] = [line]
        if sys.stderr.isatty():
            click.echo(f"\r{line}\033[K", err=True, nl=False, color=color(ctx))
        else:
            click.echo(line, err=True)

    return show


def add_commands(group: click.Group) -> None:
    """Register the printing commands on the top-level `briefing` group."""
    for command in (print_command, printers_command, register_command):
        group.add_command(command)
