"""`briefing watch`: rebuild whenever a file of the brief changes.

Builds run in this process, so fonts stay registered and parsed sections and
prepared images stay cached between builds; a failed build prints its errors and
leaves the previous PDFs in place (the writes are atomic).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from .build import OUTPUT_DIR, BuildOptions, BuildResult, build
from .errors import BriefingError


Built = Callable[[list[BuildResult] | None], None]
"""Told after each build: its results, or None when it failed (its errors went to *say*)."""


def watch(root: Path, options: BuildOptions, audiences: tuple[str, ...], say: Callable[[str, bool], None],
          stop_after: float | None = None, on_built: Built | None = None) -> None:
    """Build now, then after every change; *say(line, ok)* reports each outcome.

    *stop_after* (seconds) ends the loop, for tests; Ctrl-C ends it otherwise.
    *on_built* is told the results of each build (`briefing preview` serves them).
    """
    from watchfiles import watch as watch_files

    root = root.resolve()
    output = root / OUTPUT_DIR

    def relevant(_change: object, path: str) -> bool:
        p = Path(path)
        return not p.is_relative_to(output) and not any(part.startswith(".") for part in p.relative_to(root).parts)

    _build_once(root, options, audiences, say, on_built)
    deadline = None if stop_after is None else time.monotonic() + stop_after
    for _ in watch_files(root, watch_filter=relevant, debounce=150, step=50, rust_timeout=500,
                         yield_on_timeout=True, stop_event=None):
        if deadline is not None and time.monotonic() > deadline:
            return
        if _:
            _build_once(root, options, audiences, say, on_built)


def _say_failure(result: BuildResult, say: Callable[[str, bool], None]) -> None:
    """An edition that failed among several: its own error (the others were built)."""
    if result.error is not None and result.edition:
        for line in result.error.format(Path.cwd()).splitlines():
            say(f"error: {line} (edition '{result.edition}')", False)


def _build_once(root: Path, options: BuildOptions, audiences: tuple[str, ...], say: Callable[[str, bool], None],
                on_built: Built | None = None) -> None:
    from .rebuilds import between_builds

    started = time.perf_counter()
    try:
        with between_builds():  # an unchanged edition is not laid out again, a changed one
            # breaks into lines only the paragraphs that changed (rebuilds.py)
            results: list[BuildResult] = build(root, audiences=audiences, options=options,
                                               on_done=lambda result: _say_failure(result, say))
    except BriefingError as error:
        for line in error.format(Path.cwd()).splitlines():
            say(f"error: {line}", False)
        say(f"{time.strftime('%H:%M:%S')} build failed; the previous PDFs are unchanged", False)
        if on_built is not None:
            on_built(None)
        return
    elapsed = time.perf_counter() - started
    pages = sum(r.pages for r in results)
    say(f"{time.strftime('%H:%M:%S')} built {len(results)} PDF(s), {pages} pages, in {elapsed:.2f} s", True)
    if on_built is not None:
        on_built(results)
