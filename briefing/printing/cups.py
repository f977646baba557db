"""The adapter to CUPS: the only module that talks to the print system.

Jobs are submitted with `lp` (which handles the client configuration, authentication
and spooling the user already has); queues and jobs are read with the IPP requests of
`ipp.py`, sent to the server `lpstat -H` names, so both talk to the same CUPS.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import PrintError
from ..errors import IppFailure
from . import ipp

#: IPP job-state values (RFC 8011 5.3.7) as the register writes them.
JOB_STATES = {3: "pending", 4: "held", 5: "processing", 6: "stopped", 7: "cancelled", 8: "failed", 9: "completed"}
FINAL_STATES = ("cancelled", "failed", "completed")
_PRINTER_STATES = {3: "idle", 4: "printing", 5: "stopped"}
_QUEUE_ATTRIBUTES = ("printer-name", "printer-state", "printer-is-accepting-jobs", "printer-state-message",
                     "media-supported", "media-default", "sides-supported", "orientation-requested-supported",
                     "print-scaling-supported", "multiple-document-handling-supported")
INSTALL_HINT = "install CUPS (Debian/Ubuntu: apt-get install cups cups-client) and start it"


@dataclass(frozen=True)
class Queue:
    """A CUPS print queue and what it can do, as the server reports it."""

    name: str
    state: str
    """idle, printing or stopped."""
    accepting: bool
    message: str
    supported: dict[str, tuple[str, ...]]
    """'<attribute>-supported' values by attribute name (media, sides, ...), as texts."""
    media_default: str = ""


@dataclass(frozen=True)
class JobStatus:
    state: str
    """One of JOB_STATES' values."""
    attributes: dict[str, str]
    """The job's recorded media, sides, job-name, ... (first value of each)."""


@lru_cache(maxsize=1)
def server() -> str:
    """The CUPS server the command-line clients use (a socket path or host:port)."""
    done = _run(["lpstat", "-H"])
    return done.stdout.strip() or "localhost:631"


def queues() -> list[Queue]:
    """Every queue on the server, in the server's order."""
    try:
        groups = ipp.request(server(), ipp.CUPS_GET_PRINTERS, [ipp.requested(*_QUEUE_ATTRIBUTES)])
    except IppFailure as exc:
        if "0x0406" in str(exc):  # client-error-not-found: no queues at all
            return []
        raise PrintError(f"{exc}; {INSTALL_HINT}") from None
    return [_queue(attrs) for tag, attrs in groups if tag == 0x04]


def queue(name: str) -> Queue:
    """The queue *name*; PrintError when the server has none by that name."""
    found = {q.name: q for q in queues()}
    if name not in found:
        known = ", ".join(found) or "none: add one with lpadmin"
        raise PrintError(f"printer '{name}' not found (queues: {known})")
    return found[name]


def default_queue() -> str | None:
    try:
        groups = ipp.request(server(), ipp.CUPS_GET_DEFAULT, [ipp.requested("printer-name")])
    except IppFailure as exc:
        if "0x0406" in str(exc):
            return None
        raise PrintError(f"{exc}; {INSTALL_HINT}") from None
    return next((a["printer-name"][0] for t, a in groups if t == 0x04 and "printer-name" in a), None)


def submit(queue_name: str, pdf: Path, title: str, options: dict[str, str]) -> int:
    """Send *pdf* to *queue_name* with `lp`; the CUPS job id."""
    command = ["lp", "-d", queue_name, "-t", title]
    for key, value in options.items():
        command += ["-o", f"{key}={value}"]
    done = _run([*command, "--", str(pdf)])
    match = re.search(r"request id is \S+-(\d+)", done.stdout)
    if not match:
        raise PrintError(f"lp did not report a job id: {done.stdout.strip() or done.stderr.strip()}")
    return int(match.group(1))


def job_status(job_id: int) -> JobStatus:
    names = ("job-state", "job-name", "media", "sides", "print-scaling", "orientation-requested",
             "multiple-document-handling", "job-impressions-completed")
    try:
        groups = ipp.request(server(), ipp.GET_JOB_ATTRIBUTES, [*ipp.job_attributes(job_id), ipp.requested(*names)])
    except IppFailure as exc:
        raise PrintError(f"cannot read the state of job {job_id}: {exc}") from None
    attrs = next((a for t, a in groups if t == 0x02), {})
    state = JOB_STATES.get(attrs.get("job-state", [0])[0], "unknown")
    return JobStatus(state, {k: str(v[0]) for k, v in attrs.items() if v})


def _queue(attrs: dict[str, list[object]]) -> Queue:
    supported = {name[:-len("-supported")]: tuple(str(v) for v in values)
                 for name, values in attrs.items() if name.endswith("-supported")}
    return Queue(
        name=str(attrs.get("printer-name", ["?"])[0]),
        state=_PRINTER_STATES.get(int(attrs.get("printer-state", [3])[0]), "unknown"),  # type: ignore[call-overload]
        accepting=bool(attrs.get("printer-is-accepting-jobs", [False])[0]),
        message=str(attrs.get("printer-state-message", [""])[0]),
        supported=supported,
        media_default=str(attrs.get("media-default", [""])[0]),
    )


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    if shutil.which(command[0]) is None:
        raise PrintError(f"'{command[0]}' not found: {INSTALL_HINT}")
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().removeprefix(f"{command[0]}: ")
        raise PrintError(f"{command[0]} failed: {detail}")
    return done
