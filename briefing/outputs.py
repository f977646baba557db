"""The record of what builds wrote into output/, so PDFs of editions that are gone can be removed.

`output/.outputs.json` maps each file a build wrote to its edition and a
SHA-256 of its bytes. After a build, a recorded file whose edition no longer exists
is deleted, but only if its bytes are still the ones written: a file the user
replaced or edited, or any file not in the record, is never touched.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from .write import write_atomic

RECORD = ".outputs.json"


class Written(Protocol):
    """What a build result says about its files (BuildResult)."""

    @property
    def path(self) -> Path: ...
    @property
    def edition(self) -> str: ...
    @property
    def report(self) -> Path | None: ...
    @property
    def error(self) -> object: ...


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_record(folder: Path) -> dict[str, dict[str, str]]:
    """The record, or an empty one when it is missing or unreadable (then nothing is removed)."""
    try:
        data = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, dict) and {"edition", "sha256"} <= set(v)}


def sweep_stale_outputs(folder: Path, results: Iterable[Written], editions: set[str]) -> list[Path]:
    """Record this build's files in *folder*; delete recorded files of editions not in *editions*."""
    record = load_record(folder)
    for result in results:
        if result.error is not None:
            continue
        for path in (result.path, result.report):
            if path is not None and path.parent.resolve() == folder.resolve() and path.is_file():
                record[path.name] = {"edition": result.edition, "sha256": _digest(path)}
    removed = []
    for name, entry in sorted(record.items()):
        if entry["edition"] in editions:
            continue
        path = folder / name
        del record[name]
        if path.is_file() and _digest(path) == entry["sha256"]:
            path.unlink()
            removed.append(path)
    if record or (folder / RECORD).exists():
        write_atomic(folder / RECORD, (json.dumps(record, indent=1, sort_keys=True) + "\n").encode("utf-8"))
    return removed
