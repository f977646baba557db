"""Stage 5, write: put the PDF on disk atomically.

The bytes go to a temporary file beside the target, are flushed to disk, then
renamed over it: a failed or killed build never leaves a half-written PDF and never
removes the previous one. Temp files left by a killed build are swept next time.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import OutputError

TEMP_PREFIX = ".briefing-"
TEMP_SUFFIX = ".part"


def write_atomic(target: Path, data: bytes) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write to {target.parent}: {exc.strerror}", target) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, target)
    except OSError as exc:
        Path(temp_name).unlink(missing_ok=True)
        raise OutputError(f"cannot write the PDF: {exc.strerror}", target) from None


def write_if_changed(target: Path, data: bytes) -> bool:
    """Write *data* atomically unless *target* already holds exactly these bytes; say whether it wrote."""
    try:
        if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(target, data)
    return True


def sweep_temp_files(folder: Path) -> None:
    """Remove temp files a killed build left behind (only ours, by name).

    Called once at the start of a build, before any edition writes, so parallel
    editions never sweep each other's files away.
    """
    if not folder.is_dir():
        return
    for stale in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        stale.unlink(missing_ok=True)
