"""Time briefing against Typst and an independent ReportLab floor on the same documents.

    python benchmarks/yardstick.py [--rounds N] [--sizes small,large] [--shared DIR]

The documents, the floor and the timing come from the shared harness beside the
checkout (`../shared/bench`, see its README): it generates the anchors' small (4 pages)
and large (116 pages) documents, `to_brief.py` turns each into a brief, and
`alt_bench.py` runs briefing, Typst and the floor in turns, reporting paired ratios
(each run against the reference run of the same round). Nothing of it is copied here.
Typst comes with the `bench` extra (`pip install -e '.[bench]'`). The table replaces
the "Against Typst and an independent floor" part of benchmarks/results.md.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SEED = "seed/000_113bec96d900939b.txt"
TITLE = "## Against Typst and an independent floor"


def prepare(shared: Path, work: Path, sizes: list[str]) -> None:
    """The anchors' inputs and the same content as briefs (preparation, never timed)."""
    bench = shared / "bench"
    subprocess.run([sys.executable, str(bench / "gen_inputs.py"), str(shared / SEED), str(work / "in")], check=True,
                   stdout=subprocess.DEVNULL)
    for size in sizes:
        subprocess.run([sys.executable, str(bench / "to_brief.py"), str(work / "in" / size / "content.json"),
                        str(work / "brief" / size), "--id", size], check=True, stdout=subprocess.DEVNULL)


#: `warm-edit` changes this word of this section before each build, to a word it never was
#: (the worker reuses the layout of a brief it built before: `briefing/rebuilds.py`).
EDITED_SECTION, EDITED_WORD = "sections/02.md", "Negara"


def time_size(shared: Path, work: Path, size: str, rounds: int) -> dict[str, dict[str, float]]:
    """alt_bench's results for one size: briefing, Typst and the tuned floor, in turns."""
    bench, python, out = shared / "bench", sys.executable, work / "out"
    out.mkdir(exist_ok=True)
    report = work / f"{size}.json"
    brief, edited = work / "brief" / size, work / "brief" / f"{size}-edited"
    shutil.copytree(brief, edited)
    section = edited / EDITED_SECTION
    assert f"{EDITED_WORD} " in section.read_text(encoding="utf-8"), f"{size}: nothing to edit in {section}"
    client = Path(python).parent / "briefing"  # the installed command, as a user runs it
    edit = f'sed -i "s/{EDITED_WORD}[0-9]* /{EDITED_WORD}$(date +%N) /" {section}'
    commands = [
        f"briefing=env BRIEFING_NO_WORKER=1 {python} -m briefing build {brief} -o {out / (size + '-briefing.pdf')}",
        f"typst={python} {bench / 'typst_build.py'} doc.typ {out / (size + '-typst.pdf')}",
        f"floor=env RL_useA85=0 {python} {bench / 'rl_build.py'} content.json {out / (size + '-floor.pdf')}",
        # handing the build to `briefing serve`: the same brief again, and after a one-word edit
        f"warm={client} build {brief} -o {out / (size + '-warm.pdf')}",
        "warm-edit=" + shlex.join(["sh", "-c", f"{edit} && {client} build {edited} -o {out / (size + '-warm-edit.pdf')}"]),
    ]
    workers = [subprocess.Popen([python, "-m", "briefing", "serve", str(b)], stdout=subprocess.PIPE, text=True)
               for b in (brief, edited)]
    for worker in workers:
        assert worker.stdout is not None and "serving builds" in worker.stdout.readline()
    try:
        subprocess.run([python, str(bench / "alt_bench.py"), "--rounds", str(rounds), "--ref", "typst",
                        "--json", str(report), *commands], check=True, cwd=work / "in" / size)
    finally:
        for worker in workers:
            worker.terminate()
        logs = [worker.communicate()[0].splitlines() for worker in workers]
    if (out / f"{size}-warm.pdf").read_bytes() != (out / f"{size}-briefing.pdf").read_bytes():
        raise SystemExit(f"{size}: the worker's PDF differs from the cold build's")
    subprocess.run([python, "-m", "briefing", "build", str(edited), "-q", "-o", str(out / f"{size}-edited-cold.pdf")],
                   check=True, env={**os.environ, "BRIEFING_NO_WORKER": "1"})
    if (out / f"{size}-warm-edit.pdf").read_bytes() != (out / f"{size}-edited-cold.pdf").read_bytes():
        raise SystemExit(f"{size}: the worker's PDF after the last edit differs from a cold build of it")
    results: dict[str, dict[str, float]] = json.loads(report.read_text(encoding="utf-8"))["results"]
    for name, lines in zip(("warm", "warm-edit"), logs):
        # the worker's own time per build, from its log lines ("…: exit 0, 0.120 s, 0.065 s CPU")
        cpu = sorted(float(line.split(", ")[-1].split()[0]) for line in lines if line.endswith(" s CPU"))
        results[name]["worker_cpu_median"] = cpu[len(cpu) // 2] if cpu else float("nan")
    floor_runs = results["floor"]["runs"]
    for name in results:  # alt_bench pairs against one reference: the floor's pairs are computed here
        runs = results[name]["runs"]
        for measure in ("wall", "cpu"):
            ratios = sorted(a[measure] / b[measure] for a, b in zip(runs, floor_runs))  # type: ignore[index]
            results[name][f"paired_{measure}_ratio_vs_floor"] = ratios[len(ratios) // 2]
    return results


def watch_rebuild(work: Path, rounds: int) -> list[float]:
    """Seconds of in-process rebuilds of the large brief after a one-word edit in one section, as `watch` runs them."""
    from briefing.build import BuildOptions, build
    from briefing.layout import lending_between_builds  # not `rebuilds.between_builds`: its edits alternate

    brief = work / "watched"
    shutil.copytree(work / "brief" / "large", brief)
    section = brief / "sections" / "25.md"
    text = section.read_text(encoding="utf-8")
    with lending_between_builds():  # as `watch` builds
        build(brief, options=BuildOptions())  # the first build fills the caches
    times = []
    for index in range(rounds):
        section.write_text(text.replace("Korea Utara mencoba", "Korea Utara " + ("berusaha", "mencoba")[index % 2], 1),
                           encoding="utf-8")
        started = time.perf_counter()
        with lending_between_builds():
            build(brief, options=BuildOptions())
        times.append(time.perf_counter() - started)
    return sorted(times)


def table(measured: dict[str, dict[str, dict[str, float]]], rounds: int) -> str:
    """The results.md section: medians, peak memory and the paired ratios to Typst and the floor."""
    load = max(r["load_median"] for results in measured.values() for r in results.values())
    lines = [TITLE, "",
             f"Measured {time.strftime('%Y-%m-%d')} with `../shared/bench` (`alt_bench.py`, {rounds} rounds in turns, "
             f"{os.cpu_count()} cores, load {load:.1f}); ratios are paired, run by run, so a busy spell falls on all three "
             "alike. CPU is user + system time of the process: on a busy machine it is steadier than wall time. "
             "`warm` is `briefing build` handing the build to a running `briefing serve` (its CPU is the client's "
             "only; the worker's own CPU per build is given below); its PDF is checked byte-identical to the cold "
             "build's. The worker keeps the layout of a brief it built (`briefing/rebuilds.py`): `warm-edit` "
             "changes one word of a section to a new one before each build (`sed` in the timed command), so "
             "that the worker lays it out again; its last PDF is checked byte-identical to a cold build of it.", "",
             "| document | tool | wall median | CPU median | peak MB | ÷ Typst wall / CPU | ÷ floor wall / CPU |",
             "|---|---|---|---|---|---|---|"]
    for size, results in measured.items():
        for name in ("briefing", "warm", "warm-edit", "typst", "floor"):
            r = results[name]
            lines.append(f"| {size} | {name} | {r['wall_median']:.3f} s | {r['cpu_median']:.3f} s | {r['peak_rss_mb']:.0f} | "
                         f"{r['paired_wall_ratio_vs_ref']:.2f}× / {r['paired_cpu_ratio_vs_ref']:.2f}× | "
                         f"{r['paired_wall_ratio_vs_floor']:.2f}× / {r['paired_cpu_ratio_vs_floor']:.2f}× |")
    lines.append("")
    for size, results in measured.items():
        for name in ("warm", "warm-edit"):
            warm, typst = results[name], results["typst"]
            total = warm["cpu_median"] + warm["worker_cpu_median"]
            lines.append(f"- {size}, {name}: the worker's CPU per build {warm['worker_cpu_median']:.3f} s (median); "
                         f"client + worker {total:.3f} s CPU, {total / typst['cpu_median']:.2f}× Typst's cold CPU.")
    return "\n".join(lines) + "\n"


def replace_section(path: Path, title: str, body: str) -> None:
    """Put *body* in place of the part of *path* that starts with *title* (up to the next `## `)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start = text.find(title)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + body if text.strip() else body
    else:
        end = text.find("\n## ", start + len(title))
        text = text[:start] + (body.rstrip("\n") + "\n\n" + text[end + 1:] if end >= 0 else body)
    path.write_text(text, encoding="utf-8")


def shared_folder() -> Path:
    """`../shared` beside the checkout (or beside a folder holding it, as for a worktree)."""
    for folder in REPO.parents:
        if (folder / "shared" / "bench").is_dir():
            return folder / "shared"
    return REPO.parent / "shared"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sizes", default="small,large")
    parser.add_argument("--shared", type=Path, default=shared_folder(), help="the shared/ beside the checkout")
    args = parser.parse_args()
    if not (args.shared / "bench" / "alt_bench.py").is_file():
        raise SystemExit(f"{args.shared / 'bench'} not found: the shared harness sits beside the checkout")
    try:
        import typst  # noqa: F401
    except ImportError:
        raise SystemExit("Typst is missing: pip install -e '.[bench]'") from None
    sizes = args.sizes.split(",")
    # As installed packages are: this machine sets PYTHONDONTWRITEBYTECODE (see benchmarks/README.md).
    compileall.compile_dir(REPO / "briefing", quiet=1)
    compileall.compile_dir(sysconfig.get_paths()["purelib"], quiet=1)
    work = Path(tempfile.mkdtemp(prefix="briefing-yardstick-"))
    prepare(args.shared, work, sizes)
    measured = {size: time_size(args.shared, work, size, args.rounds) for size in sizes}
    section = table(measured, args.rounds)
    if "large" in sizes:
        rebuilds = watch_rebuild(work, args.rounds)
        section += (f"\nLarge brief, in-process rebuild after a one-word edit in one section (as `briefing watch`): "
                    f"median {rebuilds[len(rebuilds) // 2]:.3f} s of {len(rebuilds)} (range {rebuilds[0]:.3f}–"
                    f"{rebuilds[-1]:.3f} s).\n")
    print(section)
    replace_section(HERE / "results.md", TITLE, section)


if __name__ == "__main__":
    main()
