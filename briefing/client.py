"""The `briefing` command's entry point: a `build` goes to a running `briefing serve` worker if there is one.

Starting Python and importing ReportLab, Click and the pipeline costs several times what
a small brief's build does once they are loaded, so `briefing serve` keeps a worker with
all of it loaded, listening on a Unix socket in the brief's `output/.cache/serve/`. This
module is what every `briefing` process runs first; it imports only `os`, `sys` and the
C half of `socket` (`socket.py` itself costs ~10 ms, building its enums; `python -X
importtime` shows it), finds the brief folder the way the `build`
command would, and hands the command line, the current folder, the environment and its
standard output and error (as file descriptors, so the worker writes to them directly)
to the worker, then leaves with the worker's exit status. Anything else — another
command, an option this module does not know, no worker, a worker of another user, a
worker that gives up — runs the command in this process, as before.
"""

from __future__ import annotations

import _socket as socket
import os
import sys

from .workersocket import CACHE_DIR, PROTOCOL, socket_path

#: Set (to anything but empty) to build in this process even when a worker runs.
NO_WORKER = "BRIEFING_NO_WORKER"

#: The options of `briefing build` that take a value, and its flags (tests/test_serve.py
#: holds both to the Click command). Global options other than these run in process.
VALUE_OPTIONS = frozenset({"-o", "--output", "-a", "--audience", "--paper", "--copies", "--pdf-standard", "--layout-log"})
GLOBAL_FLAGS = frozenset({"-q", "--quiet", "-v", "--verbose", "--color", "--no-color"})
FLAGS = GLOBAL_FLAGS | {
    "--strict", "--report", "--landscape", "--duplex", "--simplex", "--print-marks", "--no-print-marks",
    "--grayscale", "--cmyk", "--draft", "--final", "--toc", "--no-toc", "--booklet",
}


def run() -> None:
    """The console entry point: the worker's build when one answers, else the command in this process."""
    code = None if os.environ.get(NO_WORKER) else worker_build(sys.argv[1:])
    if code is None:
        # A build allocates hundreds of thousands of small objects that live until the PDF is
        # written; collecting the youngest generation every 700 allocations walks them again
        # and again (~3% of a large build, measured). Raised before the command's modules are
        # imported, whose objects were otherwise walked ~20 times more (~2.5 ms).
        import gc

        gc.set_threshold(50_000, 20, 20)
        root = brief_root(sys.argv[1:], os.getcwd())
        if root is not None:  # the regular expressions the command's imports compile, kept by a build before
            from .regexcache import install

            install(os.path.join(root, CACHE_DIR))
        from .cli import run as run_here

        run_here()
        return
    os._exit(code)


def brief_root(args: list[str], cwd: str) -> str | None:
    """The brief folder a `briefing build` with *args* works on, or None when *args* is not such a build.

    Mirrors Click's reading of the command line for the forms people type; anything
    unusual (help, --debug, an unknown option, a second argument) is left to Click.
    """
    command = positional = None
    index = 0
    while index < len(args):
        arg = args[index]
        if command is None:
            if arg not in GLOBAL_FLAGS:
                if arg != "build":
                    return None
                command = arg
        elif arg in VALUE_OPTIONS:
            index += 1
            if index == len(args):
                return None
        elif arg.split("=", 1)[0] in VALUE_OPTIONS and arg.startswith("--"):
            pass
        elif arg.startswith("-") or positional is not None:
            if arg not in FLAGS:
                return None
        else:
            positional = arg
        index += 1
    if command is None:
        return None
    return os.path.join(cwd, positional) if positional is not None else nearest_brief(cwd)


def nearest_brief(cwd: str) -> str:
    """The nearest folder upwards holding a brief.yaml, else *cwd* (as `console.find_brief_dir`)."""
    folder = cwd
    while True:
        if os.path.isfile(os.path.join(folder, "brief.yaml")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return cwd
        folder = parent


def worker_build(args: list[str]) -> int | None:
    """Run `briefing *args*` in the brief's worker and return its exit status; None: build here instead."""
    cwd = os.getcwd()
    root = brief_root(args, cwd)
    if root is None or not hasattr(socket, "SO_PEERCRED"):
        return None
    path = socket_path(os.path.abspath(root))
    try:
        folder = os.lstat(os.path.dirname(path))
    except OSError:
        return None
    uid = os.getuid()
    if folder.st_uid != uid or folder.st_mode & 0o077 or not (folder.st_mode & 0o170000 == 0o040000):
        return None  # not the owner's private folder: never hand it our terminal
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(path)
        pid = _peer(connection, uid)
        if pid is None:
            return None
        _send(connection, _request(args, cwd, root))
        return _await(connection, pid)
    except OSError:
        return None
    finally:
        connection.close()


def _peer(connection: socket.socket, uid: int) -> int | None:
    """The worker's process id if it runs as *uid* (SO_PEERCRED: pid, uid, gid), else None."""
    creds = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
    peer_uid = int.from_bytes(creds[4:8], sys.byteorder)
    return int.from_bytes(creds[0:4], sys.byteorder) if peer_uid == uid else None


def _request(args: list[str], cwd: str, root: str) -> bytes:
    """NUL-separated fields: protocol, program name, folder, brief root, umask (octal), argument count,
    arguments, environment."""
    umask = os.umask(0o022)
    os.umask(umask)
    fields = [PROTOCOL, _program_name().encode(), os.fsencode(cwd), os.fsencode(os.path.abspath(root)),
              b"%o" % umask, str(len(args)).encode(), *map(os.fsencode, args),
              *(os.fsencode(k) + b"=" + os.fsencode(v) for k, v in os.environ.items())]
    return b"\0".join(fields)


def _program_name() -> str:
    """The name Click would show in usage lines: `briefing`, or `python -m briefing`."""
    main = sys.modules.get("__main__")
    if getattr(main, "__package__", None):
        return "python -m briefing"
    return os.path.basename(sys.argv[0])


def _send(connection: socket.socket, payload: bytes) -> None:
    """The payload's length with our standard output and error attached, then the payload."""
    sys.stdout.flush()
    sys.stderr.flush()
    fds = b"".join(fd.to_bytes(4, sys.byteorder) for fd in (1, 2))
    connection.sendmsg([len(payload).to_bytes(4, "big")], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, fds)])
    connection.sendall(payload)


def _await(connection: socket.socket, pid: int) -> int | None:
    """The worker's answer: its exit status, or None (it declined, or stopped before it finished).

    Ctrl-C here interrupts the worker's build (SIGUSR1), which then answers as an
    interrupted build does.
    """
    answer = b""
    while True:
        try:
            chunk = connection.recv(64)
        except KeyboardInterrupt:
            import signal

            os.kill(pid, signal.SIGUSR1)  # the worker stops this build, not itself
            continue
        if not chunk:
            break
        answer += chunk
    if answer.startswith(b"exit ") and answer[5:].isdigit():
        return int(answer[5:])
    if not answer.startswith(b"fallback"):
        os.write(2, b"warning: the build worker stopped before the build finished; building in this process\n")
    return None
