"""Results kept between processes in `output/.cache`, keyed by a hash of what they derive from.

Each entry is one file: a magic line, one line of JSON (its kind, key, payload length,
what the caller stores and a SHA-256 of that and the payload) and the payload bytes.
Never pickle: the folder may be shared, and loading a pickle runs code. An entry is used only when every
check passes; anything else (missing, damaged, written by another version) is a miss,
so a bad cache only costs the time to compute the result again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

MAGIC = b"briefing-cache 1\n"


def content_key(*parts: bytes | str) -> str:
    """A short hex key for the bytes and settings a result derives from."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:32]


def entry_path(cache_dir: Path, kind: str, key: str) -> Path:
    return cache_dir / f"{kind}-{key}.bin"


def load(cache_dir: Path | None, kind: str, key: str) -> tuple[dict[str, Any], bytes] | None:
    """The (fields, payload) stored for *key*, or None when absent or not valid."""
    if cache_dir is None:
        return None
    try:
        data = entry_path(cache_dir, kind, key).read_bytes()
    except OSError:
        return None
    if not data.startswith(MAGIC):
        return None
    header_end = data.find(b"\n", len(MAGIC))
    try:
        header = json.loads(data[len(MAGIC):header_end])
    except ValueError:
        return None
    payload = data[header_end + 1:]
    if (header_end < 0 or not isinstance(header, dict) or header.get("kind") != kind or header.get("key") != key
            or header.get("length") != len(payload) or not isinstance(header.get("fields"), dict)
            or header.get("sha256") != _digest(header["fields"], payload)):
        return None
    return header["fields"], payload


def _digest(fields: dict[str, Any], payload: bytes) -> str:
    """The checksum of an entry's fields and payload together: a change to either is damage."""
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode() + b"\n" + payload).hexdigest()


def store(cache_dir: Path | None, kind: str, key: str, fields: dict[str, Any], payload: bytes = b"") -> None:
    """Keep *fields* (JSON values) and *payload* for *key*; a cache that cannot be written is only slower."""
    if cache_dir is None:
        return
    header = {"kind": kind, "key": key, "length": len(payload), "sha256": _digest(fields, payload), "fields": fields}
    path = entry_path(cache_dir, kind, key)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n" + payload)
        os.replace(partial, path)  # whole or not at all: a reader never sees half an entry
    except OSError:
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass
