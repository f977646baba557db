"""`briefing serve`: a worker that keeps imports, fonts and caches loaded and runs `briefing build` on request.

It listens on a Unix socket in the brief's `output/.cache/serve/` (folder 0700, socket
0600), answers one connection at a time, and refuses a peer of another user
(SO_PEERCRED). A request (see `client.py`) carries a command line, the client's folder
and environment and its standard output and error; the command runs here exactly as
in a new process (`invoke`, the CLI's own entry), writing to the client's streams, and
the answer is its exit status. The worker declines — and the client builds in its own
process — when the request is for another brief or another protocol, and stops when
briefing's own code changed on disk since it started, so no build runs stale code.
SIGTERM lets the running build finish, then stops; Ctrl-C stops at once; either way
the socket is removed. A socket left by a worker that died is found and replaced.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import struct
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .workersocket import PROTOCOL, SOCKET_DIR, SOCKET_NAME
from .errors import BriefingError

log = logging.getLogger("briefing")
Invoke = Callable[[list[str], str], int]
"""Runs one command line (arguments, program name) in this process and returns its exit status."""

#: Largest request accepted (the environment and command line of a shell are far smaller).
MAX_REQUEST = 1 << 20


@dataclass
class _State:
    """The worker: what it serves and how it reports, and what the signal handlers need to know."""

    root: Path
    invoke: Invoke
    say: Callable[[str], None]
    busy: bool = False
    """A build is running."""
    stopping: bool = False
    """A stop was asked for: the worker ends after the running build."""
    modules: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    program: str
    cwd: str
    root: str
    umask: int
    """The client's: files the build writes get the permissions a build in its own process gives them."""
    args: list[str]
    env: dict[str, str]


def serve(root: Path, invoke: Invoke, say: Callable[[str], None], warm_up: Callable[[], None]) -> None:
    """Answer build requests for the brief at *root* until SIGTERM or Ctrl-C."""
    root = root.resolve()
    path = prepare_socket_dir(root) / SOCKET_NAME
    listener, inode = _listen(path)
    state = _State(root, invoke, say)
    try:
        warm_up()
        state.modules = _module_times()
        _install_signals(state)
        say(f"serving builds of {root} at {path} (Ctrl-C to stop)")
        while not state.stopping:
            connection, _address = listener.accept()
            with connection:
                _answer(connection, state)
    except KeyboardInterrupt:
        pass
    finally:
        listener.close()
        _remove(path, inode)
        say("worker stopped")


def prepare_socket_dir(root: Path) -> Path:
    """`output/.cache/serve/`, created owner-only; refused when it is not a folder of ours."""
    folder = root / SOCKET_DIR
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.lstat()
    if not folder.is_dir() or folder.is_symlink() or info.st_uid != os.getuid():
        raise BriefingError(f"{folder} is not a folder of this user; remove it and start the worker again")
    if info.st_mode & 0o777 != 0o700:
        folder.chmod(0o700)
    return folder


def _listen(path: Path) -> tuple[socket.socket, int]:
    """A listening socket at *path* (0600) and the socket file's inode; a stale one is replaced, a live one is an error."""
    if len(os.fsencode(path)) > 107:
        raise BriefingError(f"the socket path {path} is too long for a Unix socket (at most 107 bytes); "
                            "move the brief to a shorter path")
    if path.exists() or path.is_symlink():
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(str(path))
        except OSError:
            path.unlink()  # nobody listens: left by a worker that died
        else:
            raise BriefingError(f"a worker already serves this brief at {path}; stop it first (Ctrl-C or SIGTERM)")
        finally:
            probe.close()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    mask = os.umask(0o177)  # the socket is born 0600: no moment where another user may connect
    try:
        listener.bind(str(path))
    finally:
        os.umask(mask)
    path.chmod(0o600)
    listener.listen(16)
    return listener, path.stat().st_ino


def _remove(path: Path, inode: int) -> None:
    """Remove our socket file (not one another worker put there since)."""
    try:
        if path.stat().st_ino == inode:
            path.unlink()
    except OSError:
        pass


def _install_signals(state: _State) -> None:
    def stop(_signum: int, _frame: object) -> None:
        state.stopping = True
        if not state.busy:
            raise KeyboardInterrupt

    def interrupt(_signum: int, _frame: object) -> None:
        state.stopping = True
        raise KeyboardInterrupt  # a running build reports "interrupted" (130), then the worker stops

    def interrupt_build(_signum: int, _frame: object) -> None:
        if state.busy:
            raise KeyboardInterrupt  # the client's Ctrl-C: this build only

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGUSR1, interrupt_build)


def _module_times() -> dict[str, int]:
    """The modification time of every loaded module of briefing, to notice code changed under the worker."""
    times = {}
    for name, module in list(sys.modules.items()):
        source = getattr(module, "__file__", None)
        if (name == "briefing" or name.startswith("briefing.")) and source:
            try:
                times[source] = os.stat(source).st_mtime_ns
            except OSError:
                times[source] = -1
    return times


def _code_changed(state: _State) -> bool:
    for source, mtime in state.modules.items():
        try:
            if os.stat(source).st_mtime_ns != mtime:
                return True
        except OSError:
            return True
    return False


def _answer(connection: socket.socket, state: _State) -> None:
    """One request: check who asks and what, run it on the client's streams, answer its exit status."""
    pid, uid, _gid = struct.unpack("3i", connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                                struct.calcsize("3i")))
    if uid != os.getuid():
        log.warning("refused a connection from process %d of user %d", pid, uid)
        return
    connection.settimeout(10)  # a request arrives at once; a client that hangs must not stall the worker
    header, fds, _flags, _address = socket.recv_fds(connection, 4, 2)
    try:
        request = read_request(connection, header)
        reason = _decline(request, state, len(fds))
        if reason:
            connection.sendall(b"fallback " + reason.encode())
            state.say(f"{time.strftime('%H:%M:%S')} declined a build: {reason}")
            return
        connection.settimeout(None)
        started, cpu = time.perf_counter(), time.process_time()
        code = run_request(request, fds, state)
        connection.sendall(b"exit %d" % code)
        state.say(f"{time.strftime('%H:%M:%S')} briefing {' '.join(request.args)}: exit {code}, "
                  f"{time.perf_counter() - started:.3f} s, {time.process_time() - cpu:.3f} s CPU")
    except (OSError, ValueError) as exc:
        log.warning("a build request failed: %s", exc)
    except Exception:  # a bug: the client builds in its own process; this worker goes on
        log.exception("a build request failed")
    finally:
        for fd in fds:
            os.close(fd)


def read_request(connection: socket.socket, header: bytes) -> Request:
    """The request after its 4-byte length (the format `client._request` writes)."""
    if len(header) != 4:
        raise ValueError("truncated request")
    length = int.from_bytes(header, "big")
    if length > MAX_REQUEST:
        raise ValueError(f"request of {length} bytes")
    data = b""
    while len(data) < length:
        chunk = connection.recv(length - len(data))
        if not chunk:
            raise ValueError("truncated request")
        data += chunk
    fields = [os.fsdecode(f) for f in data.split(b"\0")]
    if fields[0] != PROTOCOL.decode():
        return Request("", "", "", 0o022, [], {})
    count = int(fields[5])
    args, env = fields[6:6 + count], fields[6 + count:]
    return Request(fields[1], fields[2], fields[3], int(fields[4], 8) & 0o777, args,
                   dict(e.partition("=")[::2] for e in env))


def _decline(request: Request, state: _State, fds: int) -> str:
    """Why the client should build in its own process instead ('' when this worker runs the request)."""
    if not request.program or fds != 2:
        return "another version of briefing"
    if Path(request.root).resolve() != state.root:
        return "this worker serves another brief"
    if _code_changed(state):
        state.stopping = True
        log.warning("briefing's code changed since the worker started; stopping (start `briefing serve` again)")
        return "briefing's code changed"
    return ""


def run_request(request: Request, fds: list[int], state: _State) -> int:
    """Run the command with the client's folder, environment and streams; put ours back after."""
    saved_cwd, saved_env, saved_argv, saved_umask = os.getcwd(), dict(os.environ), sys.argv, os.umask(0o022)
    os.umask(saved_umask)
    sys.stdout.flush()
    sys.stderr.flush()
    saved_fds = os.dup(1), os.dup(2)
    try:
        os.dup2(fds[0], 1)
        os.dup2(fds[1], 2)
        os.chdir(request.cwd)
        os.umask(request.umask)
        os.environ.clear()
        os.environ.update(request.env)
        sys.argv = [request.program, *request.args]
        state.busy = True
        return state.invoke(request.args, request.program)
    finally:
        state.busy = False
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os.dup2(saved_fds[0], 1)
        os.dup2(saved_fds[1], 2)
        for fd in saved_fds:
            os.close(fd)
        sys.argv = saved_argv
        os.environ.clear()
        os.environ.update(saved_env)
        os.umask(saved_umask)
        os.chdir(saved_cwd)
