"""Run the performance targets side by side and report ratios to the ReportLab floor.

    python benchmarks/run.py [--runs N] [--scales 1,10,50,100] [--smoke]

Each measurement is a whole process (cold start included), timed by wall clock, with
its peak memory from the kernel's rusage; the median of N runs is reported. Results go
to the terminal and to benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402


def measure(command: list[str], runs: int, cwd: Path | None = None) -> tuple[float, float]:
    """(median seconds, median peak RSS in MB) of *command* over *runs* runs."""
    times, peaks = [], []
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")  # type: ignore[union-attr]
        times.append(elapsed)
        peaks.append(usage.ru_maxrss / 1024)
    return statistics.median(times), statistics.median(peaks)


def briefing(*args: str) -> list[str]:
    return [sys.executable, "-m", "briefing", *args]


def floor(brief: Path, out: Path) -> list[str]:
    return [sys.executable, str(HERE / "floor.py"), str(brief), str(out)]


def warm_rebuild(runs: int) -> float:
    """Median seconds for an in-process rebuild of one edition after a one-word edit (as `watch` does)."""
    from briefing.build import BuildOptions, build

    work = Path(tempfile.mkdtemp()) / "brief"
    shutil.copytree(REPO, work, ignore=shutil.ignore_patterns(".venv", ".git", "output", "benchmarks", "tests"))
    section = work / "sections" / "03-dukungan-perang-ukraina.md"
    text = section.read_text(encoding="utf-8")
    options = BuildOptions()
    build(work, audiences=("analis",), options=options)  # the first build warms the caches
    times = []
    for index in range(runs):
        section.write_text(text.replace("segelintir", f"segelintir{index % 2 * ' '}"), encoding="utf-8")
        started = time.perf_counter()
        build(work, audiences=("analis",), options=options)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scales", default="1,10,50,100")
    parser.add_argument("--smoke", action="store_true", help="scale 1, one run: proves the harness works (CI)")
    args = parser.parse_args()
    runs = 1 if args.smoke else args.runs
    scales = [1] if args.smoke else [int(s) for s in args.scales.split(",")]
    work = Path(tempfile.mkdtemp(prefix="briefing-bench-"))
    rows: list[str] = []
    # As an installed package is (pip compiles it): with PYTHONDONTWRITEBYTECODE set, an
    # editable checkout would otherwise be compiled from source on every run (~30 ms).
    compileall.compile_dir(REPO / "briefing", quiet=1)

    def row(name: str, ours: tuple[float, float], yardstick: tuple[float, float] | None, target: str) -> None:
        ratio = f"{ours[0] / yardstick[0]:.2f}×" if yardstick else "—"
        base = f"{yardstick[0]:.3f} s / {yardstick[1]:.0f} MB" if yardstick else "—"
        line = f"| {name} | {ours[0]:.3f} s | {ours[1]:.0f} MB | {base} | {ratio} | {target} |"
        rows.append(line)
        print(line, flush=True)

    print("| measurement | briefing | peak RSS | floor | time ratio | target |\n|---|---|---|---|---|---|")
    for scale in scales:
        brief = generate(work / f"scale-{scale}", scale)
        ours = measure(briefing("build", str(brief), "-o", str(work / f"ours-{scale}.pdf")), runs)
        base = measure(floor(brief, work / f"floor-{scale}.pdf"), runs)
        size = (work / f"ours-{scale}.pdf").stat().st_size / (work / f"floor-{scale}.pdf").stat().st_size
        row(f"large brief ×{scale} (PDF size {size:.2f}× floor)", ours, base, "≤ 1.1× time, ≤ 110 MB (×50)")
    default = work / "default"
    shutil.copytree(REPO, default, ignore=shutil.ignore_patterns(".venv", ".git", "output", "benchmarks", "tests"))
    one = measure(briefing("build", str(default), "-a", "analis", "-o", str(work / "one.pdf")), runs)
    default_floor = measure(floor(default, work / "default-floor.pdf"), runs)
    row("default brief, one edition, cold", one, default_floor, "≤ 1.0× (floor for the same document)")
    every = measure(briefing("build", str(default)), runs)
    row("default brief, all 4 editions", every, one, "≤ 1.6× one edition")
    if not args.smoke:
        warm = warm_rebuild(runs)
        rows.append(f"| warm rebuild after a one-word edit (in process) | {warm:.3f} s | — | — | — | ≤ 0.1 s |")
        print(rows[-1])
    if args.smoke:
        print(f"smoke run done: {len(rows)} measurements")
        shutil.rmtree(work, ignore_errors=True)
        return
    (HERE / "results.md").write_text(
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores, median of {runs} runs.\n\n"
        "| measurement | briefing | peak RSS | floor | time ratio | target |\n|---|---|---|---|---|---|\n"
        + "\n".join(rows) + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
