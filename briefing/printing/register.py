"""The distribution register, `output/register.csv`: which copy went to whom, and how.

One CSV row per numbered copy built and per job printed. Rows are only ever appended:
a build's rows (or a job's row) are encoded whole, then written with one `write()` to a
file opened `O_APPEND`, under an exclusive lock, and flushed to disk. A process killed in
the middle of that write can leave whole rows and at most a fragment without its final
newline; the next append cuts that fragment off (never a complete row) before writing,
and readers ignore it.
"""

from __future__ import annotations

import csv
import datetime as dt
import fcntl
import io
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from ..errors import OutputError

REGISTER_NAME = "register.csv"


@dataclass(frozen=True)
class Row:
    """One line of the register."""

    time: str
    """UTC, ISO 8601 to the second."""
    action: str
    """build (a numbered copy made), print, or reprint (a copy printed before, printed again)."""
    brief: str
    version: str
    edition: str
    marking: str
    copy: str
    """'3/12', or '' for an edition printed without numbered copies."""
    recipient: str
    printer: str
    job_id: str
    state: str
    """built, or the job's last CUPS state: completed, failed, cancelled (pending, processing... if not followed to the end)."""
    sha256: str
    """Of the PDF file built or sent."""


COLUMNS = tuple(f.name for f in fields(Row))


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def append(path: Path, *rows: Row) -> None:
    """Add *rows* at the end of the register, in one write (with a header when the file is new)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\n")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(f"cannot open the register: {exc.strerror}", path) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = _cut_torn_tail(fd)
        if size == 0:
            writer.writeheader()
        for row in rows:  # one physical line per row
            writer.writerow({k: " ".join(str(v).split()) for k, v in asdict(row).items()})
        os.write(fd, buffer.getvalue().encode("utf-8"))
        os.fsync(fd)
    except OSError as exc:
        raise OutputError(f"cannot append to the register: {exc.strerror}", path) from None
    finally:
        os.close(fd)


def _cut_torn_tail(fd: int) -> int:
    """Drop bytes after the last newline (a write that a crash cut short); the file's size."""
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return size
    tail = os.pread(fd, min(size, 65536), max(0, size - 65536))
    keep = size - len(tail) + tail.rfind(b"\n") + 1
    os.ftruncate(fd, keep)
    return keep


def read(path: Path) -> list[Row]:
    """Every complete row, oldest first ([] when there is no register yet)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise OutputError(f"cannot read the register: {exc.strerror}", path) from None
    complete = data[:data.rfind(b"\n") + 1].decode("utf-8")
    reader = csv.DictReader(io.StringIO(complete))
    return [Row(**{k: r.get(k) or "" for k in COLUMNS}) for r in reader]


def printed_before(rows: list[Row], brief: str, version: str, edition: str, copy: str) -> bool:
    """Whether this copy of this edition was printed to completion before (so printing it again is a reprint)."""
    return any(r.action in ("print", "reprint") and r.state == "completed" and
               (r.brief, r.version, r.edition, r.copy.split("/")[0]) == (brief, version, edition, copy.split("/")[0])
               for r in rows)
