"""The benchmark harness runs (a smoke run at scale 1): timings live in `make bench`, not in tests."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO


def test_benchmark_smoke_run() -> None:
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--smoke"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "large brief ×1" in result.stdout
    assert "default brief, all 4 editions" in result.stdout
    assert "smoke run done: 3 measurements" in result.stdout


def test_generator_is_deterministic(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    first = generate(tmp_path / "a", 2)
    second = generate(tmp_path / "b", 2)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert len(files) == 7  # manifest, 2 sections, 2 images, timeline, sources
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes()
