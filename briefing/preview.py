"""`briefing preview`: one edition in the local browser, redrawn after each rebuild.

The rebuilding is `briefing watch`'s (watch.py). This module adds a small HTTP server on a
loopback address that serves the last good PDF, a page that draws it with PDF.js (vendored
in preview_assets/pdfjs/, see docs/architecture.md for why not the browser's own viewer),
and server-sent events that tell the page a new PDF, or a failed build, has arrived.
"""

from __future__ import annotations

import errno
import hashlib
import html
import ipaddress
import json
import logging
import socket
import threading
import webbrowser
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from .build import BuildOptions, BuildResult
from .edition import select_audiences
from .errors import BriefingError, UsageError
from .manifest import load_manifest
from .watch import watch

ASSETS = Path(__file__).with_name("preview_assets")
#: Seconds between keep-alive comments on an idle event stream (they also reveal a closed tab).
KEEPALIVE = 10.0
log = logging.getLogger("briefing")
Say = Callable[[str, bool], None]


def loopback_address(host: str) -> str:
    """The address to bind for *host*, which must be a loopback one: a preview shows drafts to this machine only."""
    if host.lower() == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if address is None or not address.is_loopback:
        raise UsageError(f"--host {host} is not a loopback address: the preview serves only this machine "
                         "(use 127.0.0.1, ::1 or localhost)")
    return str(address)


@dataclass(frozen=True)
class Snapshot:
    """What the page should show: the PDF's version (a hash of its bytes) and the last build's error."""

    generation: int
    version: str | None = None
    error: str | None = None


class PreviewState:
    """The last good PDF and the last build's error, shared by the build loop and the server's threads."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._pdf = b""
        self._snapshot = Snapshot(0)
        self._closed = False

    def publish(self, pdf: bytes) -> None:
        """A build succeeded: serve *pdf* from now on, and clear the error."""
        with self._changed:
            self._pdf = pdf
            version = hashlib.sha256(pdf).hexdigest()[:16]
            self._snapshot = Snapshot(self._snapshot.generation + 1, version)
            self._changed.notify_all()

    def fail(self, error: str) -> None:
        """A build failed: keep serving the last good PDF, and show *error* above it."""
        with self._changed:
            self._snapshot = Snapshot(self._snapshot.generation + 1, self._snapshot.version, error)
            self._changed.notify_all()

    def pdf(self) -> bytes:
        with self._changed:
            return self._pdf

    def next(self, seen: int, timeout: float) -> Snapshot | None:
        """The snapshot once it differs from generation *seen* (or after *timeout*); None once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._snapshot.generation != seen, timeout)
            return None if self._closed else self._snapshot

    def close(self) -> None:
        """Let every open event stream end, so that the server can stop."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()


def _events(snapshot: Snapshot) -> bytes:
    """The server-sent events for *snapshot*: the PDF to draw, then the error to show over it."""
    lines = []
    if snapshot.version is not None:
        lines.append(f"event: pdf\ndata: {json.dumps({'version': snapshot.version})}\n\n")
    if snapshot.error is not None:
        data = json.dumps({"error": snapshot.error, "shown": snapshot.version is not None})
        lines.append(f"event: failed\ndata: {data}\n\n")
    return "".join(lines or [": building\n\n"]).encode()


class PreviewServer(ThreadingHTTPServer):
    """Serves the page, PDF.js, the edition's PDF and its event stream; nothing else."""

    daemon_threads = True

    def __init__(self, address: str, port: int, state: PreviewState, title: str):
        self.address_family = socket.AF_INET6 if ":" in address else socket.AF_INET
        super().__init__((address, port), PreviewHandler)
        self.state = state
        self.page = (ASSETS / "index.html").read_text(encoding="utf-8").format(title=html.escape(title)).encode()
        host = f"[{address}]" if ":" in address else address
        self.url = f"http://{host}:{self.server_address[1]}/"
        names = {host, "localhost", "127.0.0.1", "[::1]"}
        self.hosts = {f"{name}:{self.server_address[1]}" for name in names}


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer

    def do_GET(self) -> None:
        # A page on another site cannot read the preview through a name that resolves to 127.0.0.1.
        if self.headers.get("Host", "").lower() not in self.server.hosts:
            self._send(403, b"this preview answers only to its own loopback address", "text/plain")
            return
        route = ROUTES.get(urlsplit(self.path).path)
        if route is None:
            self._send(404, b"not found", "text/plain")
        else:
            route(self)

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def page(self) -> None:
        self._send(200, self.server.page, "text/html; charset=utf-8")

    def pdf(self) -> None:
        pdf = self.server.state.pdf()
        if pdf:
            self._send(200, pdf, "application/pdf")
        else:
            self._send(503, b"no PDF built yet", "text/plain")

    def nothing(self) -> None:
        self._send(204, b"", "text/plain")

    def script(self) -> None:
        name = Path(urlsplit(self.path).path).name
        self._send(200, (ASSETS / "pdfjs" / name).read_bytes(), "text/javascript; charset=utf-8")

    def events(self) -> None:
        """Stream the state: at once, then at every change, until the tab closes or the server stops."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = -1
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while (snapshot := self.server.state.next(seen, KEEPALIVE)) is not None:
                self.wfile.write(b": keep-alive\n\n" if snapshot.generation == seen else _events(snapshot))
                self.wfile.flush()
                seen = snapshot.generation
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's signature)
        log.debug("preview: " + format, *args)


ROUTES: dict[str, Callable[[PreviewHandler], None]] = {
    "/": PreviewHandler.page,
    "/edition.pdf": PreviewHandler.pdf,
    "/events": PreviewHandler.events,
    "/pdfjs/pdf.min.mjs": PreviewHandler.script,
    "/pdfjs/pdf.worker.min.mjs": PreviewHandler.script,
    "/favicon.ico": PreviewHandler.nothing,
}


def serve(host: str, port: int, state: PreviewState, title: str) -> PreviewServer:
    """Start serving *state* on *host* (loopback only) in a background thread."""
    address = loopback_address(host)
    try:
        server = PreviewServer(address, port, state, title)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} on {address} is in use: pass another --port, or --port 0 for any free one")
        raise UsageError(f"cannot listen on {address} port {port}: {exc.strerror or exc}")
    threading.Thread(target=server.serve_forever, name="briefing-preview", daemon=True).start()
    return server


def _target(root: Path, audience: str | None) -> tuple[tuple[str, ...], str]:
    """The edition to show (the named audience, else the first one) and its title for the page."""
    try:
        manifest, _ = load_manifest(root)
    except BriefingError:  # the build will report it, in the terminal and on the page
        return ((audience,) if audience else ()), root.resolve().name
    chosen = select_audiences(manifest, (audience,) if audience else ())[0]
    if chosen is None:
        return (), manifest.id
    return (chosen.id,), f"{manifest.id} ({chosen.id})"


class _Relay:
    """Hands each build's outcome to the page: the new PDF, or the errors the build said."""

    def __init__(self, state: PreviewState, say: Say):
        self.state, self._say, self._errors = state, say, list[str]()

    def say(self, line: str, ok: bool) -> None:
        if not ok and line.startswith("error: "):
            self._errors.append(line)
        self._say(line, ok)

    def built(self, results: list[BuildResult] | None) -> None:
        if results:
            self.state.publish(results[0].path.read_bytes())
        else:
            self.state.fail("\n".join(self._errors) or "the build failed")
        self._errors.clear()


def _open_in_browser(url: str) -> bool:
    """Open *url* in a graphical browser; never in a text one (lynx, w3m), which would take
    over this terminal and cannot run the page's script anyway."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    return type(browser) is not webbrowser.GenericBrowser and browser.open(url)


def preview(root: Path, audience: str | None, host: str, port: int, open_browser: bool, say: Say,
            stop_after: float | None = None) -> None:
    """Serve the edition of *audience* at http://*host*:*port*/ and rebuild it at every change, until Ctrl-C."""
    audiences, title = _target(root, audience)
    state = PreviewState()
    server = serve(host, port, state, title)
    try:
        say(f"previewing {title} at {server.url} (Ctrl-C to stop)", True)
        if open_browser and not _open_in_browser(server.url):
            say("no graphical browser found to open: open the address above in yours", True)
        relay = _Relay(state, say)
        watch(root, BuildOptions(), audiences, relay.say, stop_after, relay.built)
    finally:
        state.close()
        server.shutdown()
        server.server_close()
