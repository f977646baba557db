"""`briefing serve`: builds through the warm worker are the builds of a new process, byte for byte.

The worker runs in a real process (it takes over the client's standard output and error,
which a CliRunner cannot give it); the client is the real `python -m briefing`.
"""

from __future__ import annotations

import ast
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing import client, serve, workersocket
from briefing.cli import build as build_command
from briefing.cli import main

from .conftest import BASIC_MANIFEST, REPO, write_brief

#: The `briefing` command of the environment running the tests.
COMMAND = Path(sys.executable).parent / "briefing"
SECTION = "---\ntitle: Ringkasan\n---\nRusia dan Korea Utara mempererat hubungan [@voa].\n"
SOURCES = "- id: voa\n  title: Rusia dan Korea Utara\n  publisher: VOA Indonesia\n  date: 2022-10-07\n"


def _brief(root: Path) -> Path:
    return write_brief(root, {**BASIC_MANIFEST, "sources": "sources.yaml",
                                     "audiences": {"a": {"label": "A"}, "b": {"label": "B"}}},
                       {"01-ringkasan.md": SECTION}, **{"sources.yaml": SOURCES})


def _briefing(*args: str, cwd: Path, worker: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != client.NO_WORKER}
    if not worker:
        env[client.NO_WORKER] = "1"
    return subprocess.run([sys.executable, "-m", "briefing", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def _command(*args: str, worker: bool = True) -> subprocess.CompletedProcess[str]:
    """The installed `briefing` command (bin/briefing)."""
    env = {k: v for k, v in os.environ.items() if k != client.NO_WORKER}
    if not worker:
        env[client.NO_WORKER] = "1"
    return subprocess.run([str(COMMAND), *args], env=env, capture_output=True, text=True, timeout=120)


def _start(root: Path, log: Path) -> subprocess.Popen[bytes]:
    """`briefing serve` for *root*, once its socket answers."""
    process = subprocess.Popen([sys.executable, "-m", "briefing", "serve", str(root)], stdout=log.open("wb"),
                               stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while "serving builds" not in log.read_text():
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "the worker did not start"
        time.sleep(0.1)
    return process


def _stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=30)


def _both(root: Path, tmp: Path, name: str, *args: str) -> tuple[subprocess.CompletedProcess[str], ...]:
    """The same build through the worker and in its own process, each from a folder of its own."""
    runs = []
    for worker in (True, False):
        cwd = tmp / f"{name}-{'worker' if worker else 'cold'}"
        cwd.mkdir()
        runs.append(_briefing("build", str(root), *args, cwd=cwd, worker=worker))
    return tuple(runs)


def test_worker_builds_are_byte_identical_and_a_failed_one_breaks_nothing(tmp_path: Path) -> None:
    root = _brief(tmp_path / "brief")
    log = tmp_path / "serve.log"
    worker = _start(root, log)
    try:
        folder = root / "output" / ".cache" / "serve"
        assert folder.stat().st_mode & 0o777 == 0o700
        assert (folder / "build.sock").stat().st_mode & 0o777 == 0o600

        warm, cold = _both(root, tmp_path, "good", "-a", "a", "-o", "brief.pdf")
        assert (warm.returncode, warm.stdout, warm.stderr) == (cold.returncode, cold.stdout, cold.stderr)
        assert warm.returncode == 0 and warm.stdout.startswith("a          brief.pdf  (1 page, ")
        assert (tmp_path / "good-worker/brief.pdf").read_bytes() == (tmp_path / "good-cold/brief.pdf").read_bytes()
        assert "briefing build " in log.read_text() and ": exit 0" in log.read_text()  # the worker did build it

        (root / "sections" / "01-ringkasan.md").write_text(SECTION.replace("@voa", "@kcna"), encoding="utf-8")
        warm, cold = _both(root, tmp_path, "bad", "-a", "a", "-o", "brief.pdf")
        assert warm.returncode == cold.returncode == 1
        assert warm.stderr == cold.stderr and "sections/01-ringkasan.md:4" in warm.stderr and "kcna" in warm.stderr
        assert warm.stdout == cold.stdout
        assert not (tmp_path / "bad-worker/brief.pdf").exists()

        (root / "sections" / "01-ringkasan.md").write_text(SECTION, encoding="utf-8")
        warm, cold = _both(root, tmp_path, "fixed")  # both editions (forked), into the brief's own output/
        assert warm.returncode == cold.returncode == 0 and warm.stderr == cold.stderr == ""
        assert warm.stdout.count(".pdf  (1 page,") == 2
        assert cold.stdout == warm.stdout.replace(".pdf  (", ".pdf  unchanged  (")  # the same bytes were there
        warm, cold = _both(root, tmp_path, "usage", "--paper", "B5")  # Click's own error, program name and all
        assert (warm.returncode, warm.stdout, warm.stderr) == (cold.returncode, cold.stdout, cold.stderr)
        assert warm.returncode == 2 and "Usage: python -m briefing build" in warm.stderr and "'B5'" in warm.stderr
        assert log.read_text().count(": exit ") == 4

        for worker_on in (True, False):  # the installed command, as people type it
            command = _command("build", str(root), "-a", "a", "-o", str(tmp_path / f"command-{worker_on}.pdf"),
                               worker=worker_on)
            assert (command.returncode, command.stderr) == (0, "")
            usage = _command("build", str(root), "--paper", "B5", worker=worker_on)
            assert usage.returncode == 2 and usage.stderr.startswith("Usage: briefing build [OPTIONS] [BRIEF_DIR]")
        assert (tmp_path / "command-True.pdf").read_bytes() == (tmp_path / "command-False.pdf").read_bytes() \
            == (tmp_path / "good-cold/brief.pdf").read_bytes()
        assert log.read_text().count(": exit ") == 6
    finally:
        assert _stop(worker) == 0
    assert not (root / "output" / ".cache" / "serve" / "build.sock").exists()
    assert "worker stopped" in log.read_text()


def test_a_second_worker_is_refused_and_a_stale_socket_is_replaced(tmp_path: Path) -> None:
    root = _brief(tmp_path / "brief")
    path = Path(workersocket.socket_path(str(root)))
    serve.prepare_socket_dir(root)
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))
    stale.close()  # the file stays, nobody listens: a worker that was killed
    built = _briefing("build", str(root), "-a", "a", cwd=tmp_path)
    assert built.returncode == 0 and "warning" not in built.stderr  # no worker: built in its own process

    worker = _start(root, tmp_path / "serve.log")
    try:
        second = _briefing("serve", str(root), cwd=tmp_path)
        assert second.returncode == 1
        assert second.stderr == f"error: a worker already serves this brief at {path}; stop it first (Ctrl-C or SIGTERM)\n"
        assert path.exists()
    finally:
        assert _stop(worker) == 0
    assert not path.exists()


def _request(args: list[str]) -> bytes:
    fields = [workersocket.PROTOCOL, b"briefing", os.getcwd().encode(), b"/brief", b"22", str(len(args)).encode(),
              *(a.encode() for a in args), b"LANG=C"]
    return b"\0".join(fields)


@pytest.mark.parametrize("other_user", [False, True])
def test_a_peer_of_another_user_is_refused(monkeypatch: pytest.MonkeyPatch, other_user: bool) -> None:
    calls: list[list[str]] = []

    def invoke(args: list[str], _program: str) -> int:
        calls.append(args)
        os.write(1, b"built\n")  # what click.echo does in a real process: fd 1
        return 0

    state = serve._State(Path("/brief"), invoke, lambda _line: None)
    if other_user:  # the peer's uid (ours) is not the worker's any more
        monkeypatch.setattr(serve.os, "getuid", lambda: os.geteuid() + 1)
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    read, write = os.pipe()
    payload = _request(["build"])
    socket.send_fds(ours, [len(payload).to_bytes(4, "big")], [write, write])
    ours.sendall(payload)
    os.close(write)
    monkeypatch.setattr(serve.Path, "resolve", lambda self: self)
    serve._answer(theirs, state)
    theirs.close()
    try:
        answer = ours.recv(64)
    except ConnectionResetError:  # closed with the request unread: the client builds in its own process
        answer = b""
    if other_user:
        assert (calls, answer) == ([], b"")
    else:
        assert (calls, answer) == ([["build"]], b"exit 0")
        assert os.read(read, 100) == b"built\n"  # written to the client's stream, not the worker's
    os.close(read)


def test_the_client_knows_every_option_of_build() -> None:
    """A new option of `build` must be added to client.py, or the client would misread the command line."""
    options = [p for p in [*build_command.params, *main.params] if p.param_type_name == "option"]
    flags = {o for p in options if p.is_flag or p.count for o in (*p.opts, *p.secondary_opts)}  # type: ignore[attr-defined]
    valued = {o for p in options if not (p.is_flag or p.count) for o in p.opts}  # type: ignore[attr-defined]
    assert client.VALUE_OPTIONS == valued
    assert client.FLAGS == flags - {"--debug", "-h", "--help", "--version"}


@pytest.mark.parametrize(("args", "expected"), [
    (["build"], "/b/here"),
    (["-q", "build", "x", "--strict"], "/b/here/x"),
    (["build", "-o", "x.pdf", "--audience=a", "-a", "b", "../y", "--no-toc"], "/b/here/../y"),
    (["check"], None),
    (["build", "--debug"], None),
    (["build", "x", "y"], None),
    (["build", "--help"], None),
    (["build", "-o"], None),
    (["build", "-ox.pdf"], None),
])
def test_the_client_finds_the_brief_a_build_names(args: list[str], expected: str | None) -> None:
    assert client.brief_root(args, "/b/here") == (expected if expected != "/b/here" else client.nearest_brief("/b/here"))


def test_the_client_imports_almost_nothing() -> None:
    code = ("import sys; before = set(sys.modules); import briefing.client; "
            "print(' '.join(sorted(set(sys.modules) - before)))")
    added = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert set(added) <= {"briefing", "briefing.version", "briefing.client", "briefing.workersocket", "_socket"}


def test_the_command_is_the_script_that_imports_only_the_client() -> None:
    """`[project.scripts]` would install a wrapper that imports `re` before the client (~9 ms)."""
    script = REPO / "bin" / "briefing"
    tree = ast.parse(script.read_text(encoding="utf-8"))
    imported = [(node.module, [a.name for a in node.names]) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert imported == [("briefing.client", ["run"])]
    assert not any(isinstance(node, ast.Import) for node in ast.walk(tree))
    assert COMMAND.read_text(encoding="utf-8").split("\n", 1)[1] == script.read_text(encoding="utf-8").split("\n", 1)[1]
