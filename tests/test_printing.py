"""`briefing print`, `printers` and `register`, against a real CUPS server with the cups-pdf queue.

Without CUPS the server tests skip with a message saying how to enable them; with CI=true
they fail instead, so CI always runs them. The register and option tests need no server.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import re
import shutil
import subprocess
import time
from pathlib import Path

import pdfplumber
import pytest
import yaml
from click.testing import CliRunner

from briefing.brief import load_brief
from briefing.cli import main
from briefing.errors import PrintError
from briefing.model import PrintSettings
from briefing.printing import cups, jobs, register

from .conftest import REPO, normalise, write_brief

PDF_QUEUE, DUPLEX_QUEUE = "BriefPDF", "BriefDuplex"
CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
HOW = ("install and start CUPS with the cups-pdf driver to run them: "
       "sudo apt-get install cups cups-client printer-driver-cups-pdf (the tests start cupsd and add the queues)")
DUPLEX_PPD = """
*OpenUI *Duplex/2-Sided Printing: PickOne
*OrderDependency: 10 AnySetup *Duplex
*DefaultDuplex: None
*Duplex None/Off: "<</Duplex false>>setpagedevice"
*Duplex DuplexNoTumble/Long Edge: "<</Duplex true /Tumble false>>setpagedevice"
*Duplex DuplexTumble/Short Edge: "<</Duplex true /Tumble true>>setpagedevice"
*CloseUI: *Duplex
"""


def _unavailable(reason: str) -> None:
    message = f"CUPS tests not run: {reason}; {HOW}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _server_up() -> bool:
    try:
        cups.server.cache_clear()
        cups.queues()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def cups_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A running CUPS with the cups-pdf queue and a copy of it that has a duplex unit."""
    if not all(shutil.which(tool) for tool in ("lp", "lpstat", "lpadmin", "cupsenable")) or not CUPS_PDF_PPD.is_file():
        _unavailable("cups-client or printer-driver-cups-pdf is not installed")
    started = None
    if not _server_up():
        if not shutil.which("cupsd"):
            _unavailable("cupsd is not installed")
        started = subprocess.Popen(["cupsd", "-f"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while not _server_up() and time.monotonic() < deadline and started.poll() is None:
            time.sleep(0.2)
        if not _server_up():
            started.terminate()
            _unavailable("cupsd could not be started (it needs root)")
    duplex_ppd = tmp_path_factory.mktemp("ppd") / "duplex.ppd"
    duplex_ppd.write_text(CUPS_PDF_PPD.read_text(encoding="latin-1") + DUPLEX_PPD, encoding="latin-1")
    for name, ppd in ((PDF_QUEUE, CUPS_PDF_PPD), (DUPLEX_QUEUE, duplex_ppd)):
        done = subprocess.run(["lpadmin", "-p", name, "-v", "cups-pdf:/", "-E", "-P", str(ppd)], capture_output=True, text=True)
        if done.returncode != 0:
            _unavailable(f"lpadmin could not add the queue {name}: {done.stderr.strip()}")
    yield _cups_pdf_folder()
    if started is not None:
        started.terminate()
        started.wait(10)


def _cups_pdf_folder() -> Path:
    """Where cups-pdf writes the jobs of the current user (its `Out` setting)."""
    out = "${HOME}/PDF"
    conf = Path("/etc/cups/cups-pdf.conf")
    for line in conf.read_text().splitlines() if conf.is_file() else []:
        if line.startswith("Out "):
            out = line.split(None, 1)[1].strip()
    return Path(out.replace("${HOME}", pwd.getpwuid(os.getuid()).pw_dir))


def _printed(folder: Path, job_id: str) -> Path:
    number = job_id.rsplit("-", 1)[1]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = list(folder.glob(f"*job_{number}.pdf"))
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"cups-pdf wrote no PDF for job {job_id} into {folder}")


@pytest.fixture
def brief_copy(tmp_path: Path) -> Path:
    root = tmp_path / "brief"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(".venv", ".git", "output", "__pycache__", "*.egg-info", ".ci"))
    return root


def _recipients(folder: Path, count: int) -> Path:
    path = folder / "penerima.yaml"
    path.write_text(yaml.safe_dump([f"Penerima Nomor {n}" for n in range(1, count + 1)]), encoding="utf-8")
    return path


def _invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _rows(root: Path) -> list[register.Row]:
    return register.read(root / "output" / "register.csv")


# ---------------------------------------------------------------------------------- real CUPS


def test_print_edition_and_five_numbered_copies(cups_server: Path, brief_copy: Path, tmp_path: Path) -> None:
    result = _invoke("print", str(brief_copy), "-a", "analis", "--printer", PDF_QUEUE)
    assert result.exit_code == 0, result.output
    (edition_row,) = _rows(brief_copy)
    assert (edition_row.action, edition_row.copy, edition_row.state, edition_row.marking) == ("print", "", "completed", "TERBATAS")

    result = _invoke("print", str(brief_copy), "-a", "analis", "--printer", PDF_QUEUE, "--copies", str(_recipients(tmp_path, 5)))
    assert result.exit_code == 0, result.output
    rows = _rows(brief_copy)[1:]
    assert [(r.copy, r.recipient, r.state, r.printer) for r in rows] == [
        (f"{n}/5", f"Penerima Nomor {n}", "completed", PDF_QUEUE) for n in range(1, 6)]
    for n, row in enumerate(rows, start=1):
        sent = brief_copy / "output" / f"rusia-korea-utara-analis-copy-{n:02d}.pdf"
        assert row.sha256 == hashlib.sha256(sent.read_bytes()).hexdigest()
        recorded = cups.job_status(int(row.job_id.rsplit("-", 1)[1])).attributes
        assert recorded["job-name"] == f"rusia-korea-utara-analis-copy-{n:02d}-of-05"
        assert (recorded["media"], recorded["sides"], recorded["print-scaling"]) == ("iso_a4_210x297mm", "one-sided", "none")
        with pdfplumber.open(_printed(cups_server, row.job_id)) as printed, pdfplumber.open(sent) as built:
            assert len(printed.pages) == len(built.pages) > 1  # every page of the edition reached the printer
            text = printed.pages[0].extract_text() or ""
        # Ghostscript in cups-pdf keeps the dash's glyph but not its Unicode mapping.
        assert re.search(rf"Salinan {n} dari 5 (—|\(cid:\d+\)) Penerima Nomor {n}", text), text


def test_duplex_edition_on_a_queue_with_and_without_a_duplex_unit(cups_server: Path, tmp_path: Path) -> None:
    manifest = {"title": "Uji Cetak", "date": "2022-10-07", "duplex": True, "paper": "A5"}
    root = write_brief(tmp_path / "b", manifest, {"01-isi.md": "---\ntitle: Isi\n---\nTeks.\n"})
    for queue, sides, note in ((DUPLEX_QUEUE, "two-sided-long-edge", None),
                               (PDF_QUEUE, "one-sided", "printer has no duplex unit: printing one-sided")):
        brief = load_brief(root)
        plan = jobs.plan(brief, None, cups.queue(queue), None, booklet=False)
        assert (note in plan.dropped) if note else not plan.dropped
        (row,) = jobs.run(plan, jobs.register_path(root), 60, lambda counts: None)
        recorded = cups.job_status(int(row.job_id.rsplit("-", 1)[1])).attributes
        assert (recorded["sides"], recorded["media"], row.state) == (sides, "custom_148.52x209.9mm_148.52x209.9mm", "completed")


def test_reprinting_a_copy_is_registered_as_a_reprint(cups_server: Path, brief_copy: Path, tmp_path: Path) -> None:
    recipients = _recipients(tmp_path, 1)
    for _ in range(2):
        result = _invoke("print", str(brief_copy), "-a", "pimpinan", "--printer", PDF_QUEUE, "--copies", str(recipients))
        assert result.exit_code == 0, result.output
    assert [(r.action, r.copy, r.state) for r in _rows(brief_copy)] == [("print", "1/1", "completed"), ("reprint", "1/1", "completed")]
    shown = _invoke("register", str(brief_copy), "--edition", "pimpinan", "--format", "json")
    assert [r["action"] for r in yaml.safe_load(shown.output)] == ["print", "reprint"]


@pytest.mark.parametrize("disable, message", [
    ("cupsdisable", f"printer '{PDF_QUEUE}' is stopped"),
    ("cupsreject", f"printer '{PDF_QUEUE}' is rejecting jobs"),
])
def test_a_stopped_or_rejecting_queue_is_an_error_and_nothing_is_registered(
        cups_server: Path, brief_copy: Path, disable: str, message: str) -> None:
    subprocess.run([disable, PDF_QUEUE], check=True)
    try:
        result = CliRunner().invoke(main, ["print", str(brief_copy), "-a", "analis", "--printer", PDF_QUEUE])
    finally:
        subprocess.run(["cupsenable" if disable == "cupsdisable" else "cupsaccept", PDF_QUEUE], check=True)
    assert result.exit_code == 1
    assert f"error: {message}" in result.output and "nothing was sent" in result.output
    assert not any(r.state == "completed" for r in _rows(brief_copy))


def test_missing_printer_and_a_level_above_the_queue_are_refused_before_sending(cups_server: Path, brief_copy: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[object] = []  # counted here, not in the shared cups-pdf folder other runs may print into
    real_submit = cups.submit
    monkeypatch.setattr(cups, "submit", lambda *args: sent.append(args) or real_submit(*args))
    result = CliRunner().invoke(main, ["print", str(brief_copy), "-a", "analis", "--printer", "TidakAda"])
    assert result.exit_code == 1 and "error: printer 'TidakAda' not found (queues: " in result.output
    manifest = brief_copy / "brief.yaml"
    manifest.write_text(manifest.read_text() + f"printers:\n  {PDF_QUEUE}: {{max_level: BIASA}}\n")
    result = CliRunner().invoke(main, ["print", str(brief_copy), "-a", "analis", "--printer", PDF_QUEUE])
    assert result.exit_code == 1
    assert f"brief.yaml: printer '{PDF_QUEUE}' may print up to BIASA, but this edition is marked TERBATAS" in result.output
    result = CliRunner().invoke(main, ["print", str(brief_copy), "-a", "publik", "--printer", PDF_QUEUE, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"lp -d {PDF_QUEUE} -t rusia-korea-utara-publik -o media=iso_a4_210x297mm -o sides=one-sided" in result.output
    assert sent == [] and _rows(brief_copy) == []


def test_ctrl_c_mid_batch_registers_the_jobs_already_submitted(cups_server: Path, brief_copy: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    brief = load_brief(brief_copy)
    plan = jobs.plan(brief, "pimpinan", cups.queue(PDF_QUEUE), _recipients(tmp_path, 3), booklet=False)
    real_submit, calls = cups.submit, []

    def submit(*args):  # type: ignore[no-untyped-def]
        calls.append(args)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_submit(*args)

    monkeypatch.setattr(cups, "submit", submit)
    with pytest.raises(KeyboardInterrupt):
        jobs.run(plan, jobs.register_path(brief_copy), 60, lambda counts: None)
    rows = _rows(brief_copy)
    assert [r.copy for r in rows] == ["1/3", "2/3"]
    assert all(r.job_id.startswith(f"{PDF_QUEUE}-") and r.state == "submitted" for r in rows)


def test_printers_lists_the_queues(cups_server: Path) -> None:
    result = _invoke("printers")
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if f" {DUPLEX_QUEUE} " in line)
    assert "idle, accepting jobs  sides: one-sided, two-sided-long-edge, two-sided-short-edge  media: A4, Letter, Legal, A5" in line


# ---------------------------------------------------------------------------------- no server needed


def _queue(**supported: tuple[str, ...]) -> cups.Queue:
    return cups.Queue("Q", "idle", True, "", dict(supported), "iso_a4_210x297mm")


def test_job_options_only_what_the_queue_supports() -> None:
    settings = PrintSettings(paper="Letter", duplex=True)
    options, dropped = jobs.job_options(settings, False, _queue(media=("iso_a4_210x297mm",), sides=("one-sided",)))
    assert options == {"sides": "one-sided"}
    assert dropped == ["printer has no Letter paper: printing on its default (iso_a4_210x297mm)",
                       "printer has no duplex unit: printing one-sided",
                       "printer cannot set the orientation: sent as is",
                       "printer cannot turn scaling off: it may scale the pages",
                       "printer cannot collate"]
    full = _queue(media=("na_letter_8.5x11in",), sides=("one-sided", "two-sided-short-edge"), **{"orientation-requested": ("3", "4")})
    options, _ = jobs.job_options(PrintSettings(paper="A5"), True, full)
    assert options == {"sides": "two-sided-short-edge", "orientation-requested": "4"}  # a booklet: A4 sheets, none here


def test_register_appends_whole_rows_and_cuts_a_torn_tail(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    row = register.Row("t", "print", "b", "1", "analis", "TERBATAS", "1/2", "Nama,\n dengan koma", "Q", "Q-1", "completed", "ab")
    register.append(path, row)
    first = path.read_bytes()
    with path.open("ab") as handle:
        handle.write(b"t2,print,b,1,analis")  # what a crash in the middle of a write would leave
    assert register.read(path) == [register.Row(**{**row.__dict__, "recipient": "Nama, dengan koma"})]
    register.append(path, row)
    assert path.read_bytes().startswith(first) and path.read_bytes().count(b"\n") == 3
    assert [r.recipient for r in register.read(path)] == ["Nama, dengan koma"] * 2


def test_build_with_copies_appends_build_rows(tmp_path: Path) -> None:
    root = write_brief(tmp_path / "b", {"title": "Uji", "date": "2022-10-07", "version": "2"},
                       {"01-isi.md": "---\ntitle: Isi\n---\nTeks.\n"})
    result = _invoke("--quiet", "build", str(root), "--copies", str(_recipients(tmp_path, 2)))
    assert result.exit_code == 0, result.output
    rows = _rows(root)
    assert [(r.action, r.version, r.copy, r.recipient, r.state, r.job_id) for r in rows] == [
        ("build", "2", "1/2", "Penerima Nomor 1", "built", ""), ("build", "2", "2/2", "Penerima Nomor 2", "built", "")]
    assert rows[1].sha256 == hashlib.sha256((root / "output" / "b-copy-02.pdf").read_bytes()).hexdigest()
    shown = _invoke("register", str(root))
    assert "build   " in shown.output and "Penerima Nomor 2" in shown.output
    assert normalise(shown.output).count("built") == 2


@pytest.mark.parametrize("final, timeout, message", [
    ("processing", 0.3, "2 job(s) still processing after 0.3 s; registered as such"),
    ("cancelled", 5, "job Q-7 ended cancelled: Q-7 cancelled, Q-8 cancelled"),
])
def test_unfinished_or_cancelled_jobs_are_registered_with_their_state_and_fail(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, final: str, timeout: float, message: str) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4 test")
    job = jobs.PrintJob(pdf, "t", {}, (1, 2, "A"), "ab", 1)
    plan = jobs.PrintPlan("b", "", "analis", "BIASA", "Q", (job, jobs.PrintJob(pdf, "t", {}, (2, 2, "B"), "cd", 1)), ())
    ids = iter([7, 8])
    monkeypatch.setattr(cups, "submit", lambda *args: next(ids))
    monkeypatch.setattr(cups, "job_status", lambda job_id: cups.JobStatus(final, {}))
    with pytest.raises(PrintError) as caught:
        jobs.run(plan, tmp_path / "register.csv", timeout, lambda counts: None)
    assert message in str(caught.value)
    assert [(r.job_id, r.state, r.recipient) for r in register.read(tmp_path / "register.csv")] == [
        ("Q-7", final, "A"), ("Q-8", final, "B")]


def test_an_unreachable_print_server_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, brief_copy: Path) -> None:
    monkeypatch.setattr(cups, "server", lambda: "/nonexistent/cups.sock")
    for args in (["printers"], ["print", str(brief_copy), "-a", "analis"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, result.output
        assert result.output.startswith("error: cannot reach the CUPS server at /nonexistent/cups.sock: ")
        assert "install CUPS (Debian/Ubuntu: apt-get install cups cups-client) and start it" in result.output
    assert not (brief_copy / "output").exists()  # nothing built, nothing registered


def test_the_audience_printer_is_used_without_printer(cups_server: Path, tmp_path: Path) -> None:
    manifest = {"title": "Uji", "date": "2022-10-07", "levels": ["BIASA", "TERBATAS"],
                "audiences": {"analis": {"level": "TERBATAS", "printer": DUPLEX_QUEUE}, "publik": {"level": "BIASA"}}}
    root = write_brief(tmp_path / "b", manifest, {"01-isi.md": "---\ntitle: Isi\n---\nTeks.\n"})
    result = _invoke("print", str(root), "-a", "analis", "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"lp -d {DUPLEX_QUEUE} -t b-analis -o media=iso_a4_210x297mm -o sides=one-sided" in result.output
    result = CliRunner().invoke(main, ["print", str(root), "--dry-run"])
    assert result.exit_code == 2 and "error: name the edition to print with -a NAME (audiences: analis, publik)" in result.output


@pytest.mark.parametrize("printers, message", [
    ({"Q": {"max_level": "SANGAT"}}, "brief.yaml:8: error: printers.Q: unknown max_level 'SANGAT' (levels: BIASA, TERBATAS)"),
    ({"Q": "BIASA"}, "brief.yaml:7: error: 'printers' must map printer queue names to {max_level: LEVEL}"),
])
def test_a_bad_printers_mapping_names_its_line(tmp_path: Path, printers: dict[str, object], message: str) -> None:
    manifest = {"title": "Uji", "date": "2022-10-07", "levels": ["BIASA", "TERBATAS"], "printers": printers}
    root = write_brief(tmp_path / "b", manifest, {"01-isi.md": "---\ntitle: Isi\n---\nTeks.\n"})
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert message in result.output


def test_build_with_copies_registers_the_copies_made_when_another_edition_fails(tmp_path: Path) -> None:
    long_text = "---\ntitle: Isi\n---\n" + "\n\n".join(["Teks yang panjang sekali. " * 40] * 12) + "\n"
    manifest = {"title": "Uji", "date": "2022-10-07", "levels": ["BIASA"],
                "audiences": {"analis": {"level": "BIASA"}, "ringkas": {"level": "BIASA", "page_budget": 1}}}
    root = write_brief(tmp_path / "b", manifest, {"01-isi.md": long_text})
    result = CliRunner().invoke(main, ["build", str(root), "--copies", str(_recipients(tmp_path, 2)), "-q"])
    assert result.exit_code == 1, result.output
    assert "error: 2 of 4 editions failed (see above); the others were built" in result.output
    assert [(r.edition, r.copy, r.state) for r in _rows(root)] == [("analis", "1/2", "built"), ("analis", "2/2", "built")]


def test_printing_commands_take_the_global_options_and_choices_in_any_case(tmp_path: Path) -> None:
    root = write_brief(tmp_path / "b", {"title": "Uji", "date": "2022-10-07"}, {"01-isi.md": "---\ntitle: Isi\n---\nTeks.\n"})
    for args in (["register", str(root), "--format", "JSON", "-q"], ["-q", "register", str(root), "--format", "json"]):
        result = CliRunner().invoke(main, args)
        assert (result.exit_code, result.stdout) == (0, "[]\n"), result.output
    result = CliRunner().invoke(main, ["register", str(root), "--format", "xml"])
    assert result.exit_code == 2 and "'xml' is not one of 'text', 'json' (in any case)." in result.output
