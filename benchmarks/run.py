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
from yardstick import replace_section  # noqa: E402

TITLE = "## Against the same page by hand"


def measure(commands: list[list[str]], runs: int) -> list[tuple[float, float]]:
    """(median seconds, median peak RSS in MB) of each command over *runs* runs.

    The commands take turns (A B C A B C …), so a slow spell of the machine falls on all
    of them alike rather than on whichever ran during it.
    """
    samples: list[tuple[list[float], list[float]]] = [([], []) for _ in commands]
    for _ in range(runs):
        for command, (times, peaks) in zip(commands, samples):
            started = time.perf_counter()
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            _, status, usage = os.wait4(process.pid, 0)
            elapsed = time.perf_counter() - started
            if os.waitstatus_to_exitcode(status) != 0:
                raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")  # type: ignore[union-attr]
            times.append(elapsed)
            peaks.append(usage.ru_maxrss / 1024)
    return [(statistics.median(times), statistics.median(peaks)) for times, peaks in samples]


HEADER = ("| measurement | briefing | peak RSS | floor: same page by hand | time ratio | bare floor (text only) "
          "| target |\n|---|---|---|---|---|---|---|\n")


def briefing(*args: str) -> list[str]:
    return [sys.executable, "-m", "briefing", *args]


def floor(brief: Path, out: Path, bare: bool = False) -> list[str]:
    return [sys.executable, str(HERE / "floor.py"), str(brief), str(out), *(["--bare"] if bare else [])]


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

    def row(name: str, ours: tuple[float, float], yardstick: tuple[float, float], bare: tuple[float, float] | None,
            target: str) -> None:
        bare_text = f"{bare[0]:.3f} s / {bare[1]:.0f} MB" if bare else "—"
        line = (f"| {name} | {ours[0]:.3f} s | {ours[1]:.0f} MB | {yardstick[0]:.3f} s / {yardstick[1]:.0f} MB | "
                f"{ours[0] / yardstick[0]:.2f}× | {bare_text} | {target} |")
        rows.append(line)
        print(line, flush=True)

    print(HEADER, end="")
    for scale in scales:
        brief = generate(work / f"scale-{scale}", scale)
        ours, base, bare = measure([briefing("build", str(brief), "-o", str(work / f"ours-{scale}.pdf")),
                                    floor(brief, work / f"floor-{scale}.pdf"),
                                    floor(brief, work / f"bare-{scale}.pdf", bare=True)], runs)
        size = (work / f"ours-{scale}.pdf").stat().st_size / (work / f"floor-{scale}.pdf").stat().st_size
        target = "≤ 1.1× time, ≤ 110 MB, PDF ≤ floor" if scale == 50 else "linear in scale (the target is ×50)"
        row(f"large brief ×{scale} (PDF size {size:.3f}× floor)", ours, base, bare, target)
    default = work / "default"
    shutil.copytree(REPO, default, ignore=shutil.ignore_patterns(".venv", ".git", "output", "benchmarks", "tests"))
    one, default_floor, default_bare, every = measure([
        briefing("build", str(default), "-a", "analis", "-o", str(work / "one.pdf")),
        floor(default, work / "default-floor.pdf"),
        floor(default, work / "default-bare.pdf", bare=True),
        briefing("build", str(default)),
    ], runs)
    row("default brief, one edition, cold", one, default_floor, default_bare, "≤ 1.0× (floor for the same document)")
    row("default brief, all 4 editions (yardstick: one edition)", every, one, None, "≤ 1.6× one edition")
    if not args.smoke:
        warm = warm_rebuild(runs)
        rows.append(f"| warm rebuild after a one-word edit (in process) | {warm:.3f} s | — | — | — | — | ≤ 0.1 s |")
        print(rows[-1])
    if args.smoke:
        print(f"smoke run done: {len(rows)} measurements")
        shutil.rmtree(work, ignore_errors=True)
        return
    replace_section(HERE / "results.md", TITLE, f"{TITLE}\n\nMeasured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} "
                    f"cores, median of {runs} runs (commands taking turns).\n\n" + HEADER + "\n".join(rows) + "\n")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
