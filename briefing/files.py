"""Reading the brief's files and keeping paths inside the brief folder.

The bottom of the package: every stage reads through here, and it depends on nothing
of ours but the exception tree, so any module may import it without an import circle.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from .errors import BriefFolderError, BriefingError

log = logging.getLogger("briefing")


def resolve_inside(root: Path, relative: str, origin: Path | None = None, line: int | None = None) -> Path:
    """Resolve *relative* against the brief root; refuse anything that leaves it.

    Absolute paths, `..` escapes and symlinks pointing outside are all refused.
    """
    where = origin or root
    if "://" in relative or relative.startswith("//"):
        raise BriefFolderError(f"'{relative}' is a URL; briefs only use files inside the brief folder", where, line)
    candidate = Path(relative)
    if candidate.is_absolute():
        raise BriefFolderError(f"'{relative}' is an absolute path; use a path relative to the brief folder", where, line)
    resolved = (root / candidate).resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise BriefFolderError(f"'{relative}' points outside the brief folder", where, line)
    return resolved


def is_regular_file(path: Path) -> bool:
    """True for a regular file (symlinks followed); False for folders, FIFOs, devices and nothing.

    Reading a FIFO or a device would block or never end, so loaders check this first.
    """
    return path.is_file()


def read_text(path: Path) -> str:
    """Read a UTF-8 text file (BOM and CRLF tolerated) or explain why not.

    Opened without blocking and checked to be a regular file before reading, so a
    named pipe or a device in the brief is refused instead of hanging the build.
    """
    log.debug("reading %s", path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise BriefFolderError(f"cannot read file: {exc.strerror}", path) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode) else "a device or socket"
        raise BriefFolderError(f"not a regular file ({kind}); a brief reads only plain files", path)
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read()
        except OSError as exc:
            raise BriefFolderError(f"cannot read file: {exc.strerror}", path) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BriefingError(
            f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file as UTF-8",
            path,
            line,
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
