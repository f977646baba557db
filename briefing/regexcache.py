"""Regular expressions a build's imports compile, kept compiled in the brief's `output/.cache`.

A cold build compiles ~140 patterns as it imports ReportLab, PyYAML, markdown-it and ours,
a few over large Unicode classes (ReportLab's `platypus.paragraph`, ~55 ms CPU): a fifth
of a small brief's cold build, in every process, as `re` keeps compiled patterns per
process only. The command's entry (`client.run`) and the layout stage's first import
(`build._frozen`) put the kept ones in place. What `re` compiles a pattern to
is a list of integers for its matcher, `_sre`, fixed by the pattern, its flags and the
Python build. Those lists are kept here (JSON, checksummed by `diskcache`, keyed by the
Python build and `_sre`'s format) and handed to `_sre.compile`, as `re` itself does after
compiling; `_sre` checks a list before it accepts it, so a damaged entry is only a miss.
The patterns are put in `re`'s own cache, where `re.compile` looks first.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # re's matcher, no stubs
import json
import os
import re
import sys
from contextlib import contextmanager
from pathlib import Path
from re import _compiler, _parser  # type: ignore[attr-defined]  # re's own compiler, to keep its output
from typing import Any, Iterator

from . import diskcache
from .version import __version__

KIND = "regex"
#: Bump when the stored record changes shape.
FORMAT = "1"

_Key = tuple[type, str, int]
#: The folders whose patterns this process has put in place.
_INSTALLED: set[str] = set()


def install(cache_dir: Path | str) -> bool:
    """Put the patterns kept in *cache_dir* in `re`'s cache, where `re.compile` looks first;
    False when none are kept (or `re` keeps its cache otherwise than this module knows)."""
    cache, folder = getattr(re, "_cache", None), os.path.realpath(cache_dir)
    if folder in _INSTALLED:  # by the command's entry, before the layout stage asks again
        return True
    if not isinstance(cache, dict) or (entry := diskcache.load(Path(cache_dir), KIND, _key())) is None:
        return False
    _install(cache, entry[1])
    _INSTALLED.add(folder)
    return True


@contextmanager
def compiled_from(cache_dir: Path | None) -> Iterator[None]:
    """Inside, `re.compile` finds the patterns kept in *cache_dir* compiled; when none were
    kept, every pattern `re` holds after is kept (the command's imports compiled some before).

    Kept once per Python build and version of ours, not rewritten when a pattern is new:
    ReportLab's `rl_safe_eval` joins a set into one, in a new order in every process.
    """
    cache = getattr(re, "_cache", None)
    if cache_dir is None or install(cache_dir) or not isinstance(cache, dict) or not hasattr(_compiler, "_code"):
        yield  # kept, or this Python's `re` is not the one this module knows
        return
    yield
    records = [_record(k[1], k[2]) for k in list(cache) if k[0] is str and isinstance(k[2], int)]
    diskcache.store(cache_dir, KIND, _key(), {"count": len(records)}, json.dumps(records, separators=(",", ":")).encode())


def _key() -> str:
    return diskcache.content_key(sys.version, str(_sre.MAGIC), str(_sre.CODESIZE), __version__, FORMAT)


def _record(pattern: str, flags: int) -> list[Any]:
    """What `re._compiler.compile` hands `_sre.compile` for *pattern*, as JSON values."""
    parsed = _parser.parse(pattern, flags)
    indexgroup = [None] * parsed.state.groups
    for name, index in parsed.state.groupdict.items():
        indexgroup[index] = name
    return [pattern, flags, flags | parsed.state.flags, _compiler._code(parsed, flags), parsed.state.groups - 1,
            parsed.state.groupdict, indexgroup]


def _install(cache: dict[_Key, re.Pattern[str]], payload: bytes) -> None:
    """Put the stored patterns in `re`'s cache; a record `_sre` refuses is skipped."""
    try:
        records = json.loads(payload)
    except ValueError:
        return
    for record in records if isinstance(records, list) else ():
        try:
            pattern, flags, full_flags, code, groups, groupindex, indexgroup = record
            if (str, pattern, flags) in cache:
                continue
            compiled = _sre.compile(pattern, full_flags, code, groups, groupindex, tuple(indexgroup))
        except (TypeError, ValueError, RuntimeError, OverflowError):
            continue
        if compiled.pattern == pattern and isinstance(flags, int):
            cache[str, pattern, flags] = compiled
