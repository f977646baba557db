"""Plan print jobs from built editions, submit them, follow them to the end, register them.

The steps, in order: pick the queue and check it can take jobs; build the edition (and
its numbered copies) with `build.build`; refuse an edition above the queue's
`max_level`; turn the edition's print settings into job options the queue supports;
submit; wait for CUPS's final state; append one register row per job.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..build import OUTPUT_DIR, BuildOptions, BuildResult, build, print_settings
from ..edition import plan_edition, select_audiences
from ..errors import PrintError, UsageError
from ..model import Audience, Brief, PrintSettings
from ..paper import size_mm
from . import cups, register

_PWG_SIZE = re.compile(r"_(\d+(?:\.\d+)?)x(\d+(?:\.\d+)?)(mm|in)$")


@dataclass(frozen=True)
class PrintJob:
    pdf: Path
    title: str
    """The CUPS job name: brief, edition and copy number."""
    options: dict[str, str]
    copy: tuple[int, int, str] | None
    sha256: str
    pages: int


@dataclass(frozen=True)
class PrintPlan:
    brief: str
    version: str
    edition: str
    marking: str
    queue: str
    jobs: tuple[PrintJob, ...]
    dropped: tuple[str, ...]
    """What the queue cannot do, said once: 'printer has no duplex unit: printing one-sided'."""
    warnings: tuple[str, ...] = ()
    """The build's warnings (a low-resolution image, ...), formatted."""


def audience_of(brief: Brief, audience_id: str | None) -> Audience | None:
    """The audience to print: named with -a when the brief has audiences (None when it has none)."""
    if audience_id is None and brief.manifest.audiences:
        known = ", ".join(a.id for a in brief.manifest.audiences)
        raise UsageError(f"name the edition to print with -a NAME (audiences: {known})")
    (audience,) = select_audiences(brief.manifest, (audience_id,) if audience_id else ())
    return audience


def choose_queue(brief: Brief, audience_id: str | None, given: str | None) -> cups.Queue:
    """--printer, else the audience's `printer:`, else the CUPS default; it must take jobs now."""
    audience = audience_of(brief, audience_id)
    name = given or (audience.printer if audience else None) or cups.default_queue()
    if name is None:
        raise PrintError("no printer given and CUPS has no default queue: use --printer NAME "
                         "(`briefing printers` lists them) or set 'printer:' for the audience in brief.yaml")
    found = cups.queue(name)
    if found.state == "stopped":
        why = f" ({found.message})" if found.message else ""
        raise PrintError(f"printer '{name}' is stopped{why}: nothing was sent; start it with `cupsenable {name}`")
    if not found.accepting:
        raise PrintError(f"printer '{name}' is rejecting jobs: nothing was sent; enable it with `cupsaccept {name}`")
    return found


def plan(brief: Brief, audience_id: str | None, queue: cups.Queue, copies: Path | None, booklet: bool,
         on_done: Callable[[BuildResult], None] | None = None) -> PrintPlan:
    """Build the edition (one PDF, or one per recipient) and the job for each PDF.

    *on_done* sees each copy built or failed; one failed copy stops the print before anything is sent.
    """
    audience = audience_of(brief, audience_id)
    results = build(brief.root, audiences=(audience.id,) if audience else (), copies=copies,
                    options=BuildOptions(booklet=booklet), on_done=on_done)
    edition = plan_edition(brief, audience)
    settings = print_settings(edition.manifest, edition, BuildOptions(booklet=booklet), None)
    marking = results[0].marking or ""
    check_level(brief, queue.name, marking, audience.level if audience else None)
    options, dropped = job_options(settings, booklet, queue)
    manifest = brief.manifest
    jobs = tuple(_job(r, manifest.id, options, booklet) for r in results)
    warnings = tuple(dict.fromkeys(w.format(Path.cwd()) for r in results for w in r.warnings))
    return PrintPlan(manifest.id, manifest.version or "", audience.id if audience else "", marking, queue.name, jobs,
                     tuple(dropped), warnings)


def check_level(brief: Brief, queue: str, marking: str, audience_level: str | None) -> None:
    """Refuse, before anything is sent, an edition marked above the queue's `max_level`."""
    levels = brief.manifest.levels
    highest = brief.manifest.printers.get(queue)
    level = marking if marking in levels else audience_level
    if highest is None or level is None or level not in levels:
        return
    if levels.index(level) > levels.index(highest):
        raise PrintError(f"printer '{queue}' may print up to {highest}, but this edition is marked {level}: "
                         "nothing was sent", brief.manifest_path)


def job_options(settings: PrintSettings, booklet: bool, queue: cups.Queue) -> tuple[dict[str, str], list[str]]:
    """The IPP job options for an edition, each only if the queue supports it; and what was dropped."""
    supported = queue.supported
    paper = {"HalfLetter": "Letter"}.get(settings.paper, "A4") if booklet else settings.paper
    landscape = booklet or settings.orientation == "landscape"
    sides = "two-sided-short-edge" if booklet else "two-sided-long-edge" if settings.duplex else "one-sided"
    wanted: dict[str, tuple[str, str]] = {
        "sides": (sides, "printer has no duplex unit: printing one-sided"),
        "orientation-requested": ("4" if landscape else "3", "printer cannot set the orientation: sent as is"),
        "print-scaling": ("none", "printer cannot turn scaling off: it may scale the pages"),
        "multiple-document-handling": ("separate-documents-collated-copies", "printer cannot collate"),
    }
    options, dropped = {}, []
    media = media_name(paper, supported.get("media", ()))
    if media:
        options["media"] = media
    else:
        dropped.append(f"printer has no {paper} paper: printing on its default ({queue.media_default or 'unknown'})")
    for name, (value, note) in wanted.items():
        offered = supported.get(name, ())
        if value in offered:
            options[name] = value
            continue
        if value != "one-sided":  # a queue that lists no sides at all prints one-sided anyway
            dropped.append(note)
        if name == "sides" and "one-sided" in offered:
            options[name] = "one-sided"
    return options, dropped


def media_name(paper: str, supported: tuple[str, ...]) -> str | None:
    """The queue's name for *paper*, matched by size (PPD-derived names differ: 'custom_148.52x209.9mm...')."""
    width, height = size_mm(paper)
    for name in supported:
        match = _PWG_SIZE.search(name)
        if not match:
            continue
        scale = 25.4 if match.group(3) == "in" else 1.0
        w, h = float(match.group(1)) * scale, float(match.group(2)) * scale
        if abs(w - width) <= 1.5 and abs(h - height) <= 1.5:
            return name
    return None


def _job(result: BuildResult, brief_id: str, options: dict[str, str], booklet: bool) -> PrintJob:
    title = brief_id + (f"-{result.edition}" if result.edition else "")
    if result.copy:
        title += f"-copy-{result.copy[0]:02d}-of-{result.copy[1]:02d}"
    digest = hashlib.sha256(result.path.read_bytes()).hexdigest()
    pages = -(-result.pages // 4) * 2 if booklet else result.pages  # a booklet sends two-up sheet sides
    return PrintJob(result.path, title + ("-booklet" if booklet else ""), options, result.copy, digest, pages)


def register_path(root: Path) -> Path:
    return root / OUTPUT_DIR / register.REGISTER_NAME


Progress = Callable[[dict[str, int]], None]


def run(plan: PrintPlan, register_file: Path, timeout: float, progress: Progress) -> list[register.Row]:
    """Submit every job, wait for each to end, and register each with its last known state.

    Whatever stops the wait (a timeout, Ctrl-C, a lost server), every job already
    submitted is registered before the exception goes on, so the register never misses
    a job CUPS has.
    """
    before = register.read(register_file)
    submitted: list[tuple[PrintJob, int]] = []
    states: dict[int, str] = {}
    rows: list[register.Row] = []
    try:
        for job in plan.jobs:
            submitted.append((job, cups.submit(plan.queue, job.pdf, job.title, job.options)))
            states[submitted[-1][1]] = "submitted"
        _follow(states, timeout, progress)
    finally:
        for job, job_id in submitted:
            rows.append(_record(plan, job, job_id, states[job_id], before, register_file))
    unfinished = [r for r in rows if r.state not in cups.FINAL_STATES]
    if unfinished:
        raise PrintError(f"{len(unfinished)} job(s) still {unfinished[0].state} after {timeout:g} s; registered as such "
                         f"(follow them with `lpstat -o {plan.queue}`)")
    failed = [r for r in rows if r.state != "completed"]
    if failed:
        raise PrintError(f"job {failed[0].job_id} ended {failed[0].state}: " +
                         ", ".join(f"{r.job_id} {r.state}" for r in failed))
    return rows


def _follow(states: dict[int, str], timeout: float, progress: Progress) -> None:
    """Poll CUPS until every job is in a final state or *timeout* seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        for job_id, state in states.items():
            if state not in cups.FINAL_STATES:
                states[job_id] = cups.job_status(job_id).state
        counts: dict[str, int] = {}
        for state in states.values():
            counts[state] = counts.get(state, 0) + 1
        progress(counts)
        if all(s in cups.FINAL_STATES for s in states.values()) or time.monotonic() >= deadline:
            return
        time.sleep(0.25)


def _record(plan: PrintPlan, job: PrintJob, job_id: int, state: str, before: list[register.Row],
            register_file: Path) -> register.Row:
    copy = f"{job.copy[0]}/{job.copy[1]}" if job.copy else ""
    again = register.printed_before(before, plan.brief, plan.version, plan.edition, copy)
    row = register.Row(register.now(), "reprint" if again else "print", plan.brief, plan.version, plan.edition,
                       plan.marking, copy, job.copy[2] if job.copy else "", plan.queue, f"{plan.queue}-{job_id}",
                       state, job.sha256)
    register.append(register_file, row)
    return row


def record_builds(root: Path, results: list[BuildResult]) -> None:
    """A register row for each numbered copy `briefing build --copies` made."""
    from ..manifest import load_manifest

    copies = [(r, r.copy) for r in results if r.copy is not None]
    if not copies:
        return
    manifest, _ = load_manifest(root)
    rows = [register.Row(register.now(), "build", manifest.id, manifest.version or "", result.edition,
                         result.marking or "", f"{number}/{total}", recipient, "", "", "built",
                         hashlib.sha256(result.path.read_bytes()).hexdigest())
            for result, (number, total, recipient) in copies]
    register.append(register_path(root), *rows)  # one locked write for the build's rows

