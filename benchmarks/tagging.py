"""What tagging and PDF/A cost: the large brief built untagged, tagged (the default) and
as `ua-1+a-2b`, in turns, as ratios to the untagged build.

    python benchmarks/tagging.py [--runs N] [--scale 50] [--smoke]

The untagged build is the same generated brief with `tagged: false`. Each build is a
whole process; wall time and CPU time (user + system, steadier on a shared machine) are
the medians of N runs. Results go to the terminal and to benchmarks/results.md.
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

TITLE = "## Tagging and PDF/A"
HEADER = ("| build | wall median | CPU median | wall ÷ untagged | CPU ÷ untagged | PDF size |\n"
          "|---|---|---|---|---|---|\n")


def run_in_turns(commands: dict[str, list[str]], runs: int) -> dict[str, tuple[float, float]]:
    """(median wall seconds, median CPU seconds) of each command, the commands taking turns."""
    samples: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            started = time.perf_counter()
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            _, status, usage = os.wait4(process.pid, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")  # type: ignore[union-attr]
            samples[name][0].append(time.perf_counter() - started)
            samples[name][1].append(usage.ru_utime + usage.ru_stime)
    return {name: (statistics.median(wall), statistics.median(cpu)) for name, (wall, cpu) in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--scale", type=int, default=50)
    parser.add_argument("--smoke", action="store_true", help="scale 1, one run: proves the harness works (CI)")
    args = parser.parse_args()
    runs, scale = (1, 1) if args.smoke else (args.runs, args.scale)
    work = Path(tempfile.mkdtemp(prefix="briefing-tagging-"))
    compileall.compile_dir(REPO / "briefing", quiet=1)  # as an installed package is (see run.py)
    tagged = generate(work / "tagged", scale)
    untagged = generate(work / "untagged", scale)
    with (untagged / "brief.yaml").open("a", encoding="utf-8") as manifest:
        manifest.write("tagged: false\n")
    builds = {
        "untagged (`tagged: false`)": [untagged, "none"],
        "tagged (the default)": [tagged, "none"],
        "tagged, `ua-1+a-2b`": [tagged, "ua-1+a-2b"],
    }
    outputs = {name: work / f"out-{index}.pdf" for index, name in enumerate(builds)}
    commands = {name: [sys.executable, "-m", "briefing", "build", str(brief), "-o", str(outputs[name]),
                       "--pdf-standard", str(standard)] for name, (brief, standard) in builds.items()}
    if not args.smoke:
        run_in_turns(commands, 1)  # the first build of a brief fills its output/.cache
    results = run_in_turns(commands, runs)
    base_wall, base_cpu = next(iter(results.values()))
    rows = []
    print(HEADER, end="")
    for name, (wall, cpu) in results.items():
        size = outputs[name].stat().st_size / 1024
        rows.append(f"| {name} | {wall:.3f} s | {cpu:.3f} s | {wall / base_wall:.2f}× | {cpu / base_cpu:.2f}× "
                    f"| {size:,.0f} KiB |")
        print(rows[-1], flush=True)
    shutil.rmtree(work, ignore_errors=True)
    if args.smoke:
        print(f"smoke run done: {len(rows)} builds")
        return
    replace_section(HERE / "results.md", TITLE,
                    f"{TITLE}\n\nLarge brief ×{scale}, measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores "
                    f"(load {os.getloadavg()[0]:.1f} at the end) by `benchmarks/tagging.py`, median of {runs} runs, "
                    "the three builds taking turns.\n\n"
                    + HEADER + "\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
