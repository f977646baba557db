"""`briefing preview`: the server (loopback only, clean stop, last good PDF kept) and the page
in a real headless Chromium driven by Playwright (the PDF drawn, redrawn after an edit within
2 s, the reader's place kept, a failed build shown over the last good PDF).

Without Chromium (/usr/bin/chromium) or Playwright the browser tests skip with a message
saying how to enable them; with CI=true they fail instead, so CI always runs them.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from briefing.cli import main
from briefing.errors import UsageError
from briefing import preview as preview_module
from briefing.preview import PreviewState, loopback_address, serve

from .conftest import BASIC_MANIFEST, write_brief

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HOW = "install Chromium (apt-get install -y chromium) and the test extras (pip install -e '.[test]')"
PARAGRAPH = ("Kerja sama militer kedua negara terus berkembang sejak pertemuan puncak, dengan latihan bersama, "
             "kunjungan pejabat, dan pertukaran teknologi yang diamati para analis kawasan. ")


def _sections(first_word: str = "Awal") -> dict[str, str]:
    """Three sections long enough for three or more pages; *first_word* opens the first paragraph."""
    body = "\n\n".join(PARAGRAPH * 3 for _ in range(9))
    return {f"{n}.md": f"---\ntitle: Bagian {n}\n---\n{first_word if n == 1 else 'Lanjut'} {body}\n" for n in (1, 2, 3)}


@pytest.fixture
def brief(tmp_path: Path) -> Path:
    return write_brief(tmp_path / "brief", {**BASIC_MANIFEST, "id": "pv"}, _sections())


class Preview:
    """`briefing preview` in a child process, its output read by a thread as it comes."""

    def __init__(self, root: Path, *args: str):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen([sys.executable, "-m", "briefing", "preview", str(root), "--no-open", *args],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for("built 1 PDF")
        self.url = next(line for line in self.lines if "previewing" in line).split(" at ")[1].split()[0]

    def _read(self) -> None:
        for line in self.process.stdout:  # type: ignore[union-attr]
            self.lines.append(line)

    def wait_for(self, needle: str, count: int = 1, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        exited = None
        while sum(needle in line for line in self.lines) < count:
            assert time.monotonic() < end, f"timed out waiting for {needle!r}: {self.lines}"
            if exited is None and self.process.poll() is not None:
                exited = time.monotonic()
            assert exited is None or time.monotonic() - exited < 1, f"preview exited: {self.lines}"
            time.sleep(0.05)

    def get(self, path: str) -> bytes:
        with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=10) as response:
            return bytes(response.read())

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def preview(brief: Path) -> Iterator[Preview]:
    running = Preview(brief, "--port", "0")
    yield running
    running.stop()


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


# --- loopback only ---------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.org", "10.0.0.1"])
def test_a_non_loopback_host_is_refused(brief: Path, host: str) -> None:
    result = CliRunner().invoke(main, ["preview", str(brief), "--no-open", "--host", host])
    assert result.exit_code == 2
    assert result.output == (f"error: --host {host} is not a loopback address: the preview serves only this machine "
                             "(use 127.0.0.1, ::1 or localhost)\n")
    assert not (brief / "output").exists()  # refused before anything was built


def test_the_server_itself_refuses_a_non_loopback_bind() -> None:
    with pytest.raises(UsageError, match="0.0.0.0 is not a loopback address"):
        serve("0.0.0.0", 0, PreviewState(), "t")


@pytest.mark.parametrize(("host", "address"), [("127.0.0.1", "127.0.0.1"), ("127.3.2.1", "127.3.2.1"), ("localhost", "127.0.0.1"),
                                               ("LOCALHOST", "127.0.0.1"), ("::1", "::1"), ("[::1]", "::1")])
def test_loopback_hosts_are_accepted(host: str, address: str) -> None:
    assert loopback_address(host) == address


def test_a_port_in_use_is_named(brief: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["preview", str(brief), "--no-open", "--port", str(port)])
    assert result.exit_code == 2
    assert result.output == f"error: port {port} on 127.0.0.1 is in use: pass another --port, or --port 0 for any free one\n"


def test_answers_only_to_its_own_address(preview: Preview) -> None:
    request = urllib.request.Request(preview.url + "edition.pdf", headers={"Host": "attacker.example:80"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
    assert preview.get("edition.pdf").startswith(b"%PDF-")


def test_never_opens_a_text_browser_in_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    webbrowser = preview_module.webbrowser
    opened: list[str] = []

    def record(self: object, url: str, new: int = 0, autoraise: bool = True) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser.GenericBrowser, "open", record)
    monkeypatch.setattr(webbrowser.BackgroundBrowser, "open", record)
    monkeypatch.setattr(webbrowser, "get", lambda: webbrowser.GenericBrowser("lynx"))
    assert preview_module._open_in_browser("http://127.0.0.1:1/") is False
    monkeypatch.setattr(webbrowser, "get", lambda: webbrowser.BackgroundBrowser("firefox"))
    assert preview_module._open_in_browser("http://127.0.0.1:2/") is True
    assert opened == ["http://127.0.0.1:2/"]


# --- the server ------------------------------------------------------------------------------------


def test_serves_the_built_pdf_and_stops_cleanly_on_ctrl_c(brief: Path) -> None:
    running = Preview(brief, "--port", "0")
    try:
        assert running.get("edition.pdf") == (brief / "output" / "pv.pdf").read_bytes()
        assert b'import * as pdfjs from "/pdfjs/pdf.min.mjs"' in running.get("/")
        assert running.get("/pdfjs/pdf.worker.min.mjs").startswith(b"/**")
        stream = urllib.request.urlopen(running.url + "events", timeout=10)  # an open event stream must not hold the stop
        assert stream.readline() == b"retry: 1000\n"
    finally:
        started = time.monotonic()
        code = running.stop()
    assert code == 0 and time.monotonic() - started < 5, running.lines
    assert running.lines[-1] == "preview stopped\n"
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(running.url, timeout=5)


def test_a_failed_build_keeps_the_last_good_pdf(preview: Preview, brief: Path) -> None:
    good = preview.get("edition.pdf")
    stream = urllib.request.urlopen(preview.url + "events", timeout=20)
    (brief / "sections" / "1.md").write_text("---\ntitle: Bagian 1\n---\n{{ rusak }}\n", encoding="utf-8")
    preview.wait_for("build failed")
    lines: list[str] = []
    while "event: failed\n" not in lines[:-1]:  # retry; the PDF; then the PDF kept and the failure
        lines.append(stream.readline().decode())
    failed = lines[-1]
    assert "sections/1.md:4" in failed and "rusak" in failed and '"shown": true' in failed
    assert preview.get("edition.pdf") == good


# --- the page, in Chromium -------------------------------------------------------------------------


def _unavailable(reason: str) -> None:
    message = f"browser tests not run: {reason}; {HOW}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed")
    if not CHROMIUM.is_file():
        _unavailable(f"{CHROMIUM} is missing")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        except Exception as exc:  # no display libraries, a sandbox refusal, ...
            _unavailable(f"Chromium did not start: {str(exc).splitlines()[0]}")
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, preview: Preview) -> Iterator[Any]:
    tab = browser.new_page(viewport={"width": 800, "height": 700})
    tab.goto(preview.url)
    tab.wait_for_function("document.body.dataset.version !== undefined", timeout=15000)
    yield tab
    tab.close()


# The page at the top of the window and how far into it, as a reader sees it.
WHERE = """() => { for (const c of document.querySelectorAll('#pages canvas')) { const b = c.getBoundingClientRect();
  if (b.bottom > 0) return [Number(c.dataset.page), -b.top / b.height]; } return null; }"""
# The share of a page's pixels that are not white: text and rules drawn, not a blank canvas.
INKED = """(n) => { const c = document.querySelectorAll('#pages canvas')[n]; const d = c.getContext('2d')
  .getImageData(0, 0, c.width, c.height).data; let ink = 0; for (let i = 0; i < d.length; i += 4)
  if (d[i] < 200) ink++; return ink / (d.length / 4); }"""


def _wait_for_new_version(page: Any, old: str, timeout_ms: int) -> float:
    started = time.monotonic()
    page.wait_for_function("(old) => document.body.dataset.version !== old", arg=old, timeout=timeout_ms)
    return time.monotonic() - started


def test_the_page_draws_every_page_of_the_pdf(page: Any, preview: Preview) -> None:
    pages = len(PdfReader(io.BytesIO(preview.get("edition.pdf"))).pages)
    assert pages >= 3
    assert page.locator("#pages canvas").count() == pages
    assert page.evaluate("document.body.dataset.pages") == str(pages)
    assert all(0.005 < page.evaluate(INKED, n) < 0.5 for n in range(pages))
    assert not page.locator("#status").is_visible()


def test_an_edit_redraws_within_two_seconds_at_the_same_place(page: Any, preview: Preview, brief: Path) -> None:
    page.evaluate("() => { const c = document.querySelectorAll('#pages canvas')[2]; "
                  "window.scrollTo(0, c.offsetTop + 0.3 * c.offsetHeight); }")
    page.wait_for_function("location.hash === '#page=3'", timeout=5000)
    before = page.evaluate(WHERE)
    old = page.evaluate("document.body.dataset.version")
    sections = _sections(first_word="Mulai")  # one word changed on page 1: the layout stays
    (brief / "sections" / "1.md").write_text(sections["1.md"], encoding="utf-8")
    elapsed = _wait_for_new_version(page, old, timeout_ms=2000)
    assert elapsed < 2.0
    assert "Mulai" in _text(preview.get("edition.pdf")) and "Awal" not in _text(preview.get("edition.pdf"))
    after = page.evaluate(WHERE)
    assert after[0] == before[0] == 3 and abs(after[1] - before[1]) < 0.02, (before, after)
    page.reload()  # the browser's own reload keeps the place too (#page=3)
    page.wait_for_function("document.body.dataset.version !== undefined", timeout=15000)
    assert page.evaluate(WHERE)[0] == 3


def test_a_failed_build_is_shown_over_the_last_good_pdf(page: Any, preview: Preview, brief: Path) -> None:
    old = page.evaluate("document.body.dataset.version")
    (brief / "sections" / "2.md").write_text("---\ntitle: Bagian 2\n---\n{{ rusak }}\n", encoding="utf-8")
    page.wait_for_selector("#status.failed", timeout=5000)
    status = page.locator("#status").inner_text()
    assert "sections/2.md:4" in status and "rusak" in status and "last good PDF" in status
    assert page.evaluate("document.body.dataset.version") == old and page.locator("#pages canvas").count() >= 3
    (brief / "sections" / "2.md").write_text(_sections()["2.md"], encoding="utf-8")
    page.wait_for_selector("#status.failed", state="detached", timeout=5000)
    assert not page.locator("#status").is_visible()
