"""Where the `briefing serve` worker listens and what its requests start with: shared by the worker
(`serve.py`) and the command's entry (`client.py`), which must import nothing heavier than this."""

from __future__ import annotations

import os

#: The brief's cache folder, relative to its root (the build's OUTPUT_DIR/.cache).
CACHE_DIR = os.path.join("output", ".cache")
#: The worker's folder inside the brief folder (the owner's only: 0700) and its socket (0600).
SOCKET_DIR = os.path.join(CACHE_DIR, "serve")
SOCKET_NAME = "build.sock"
#: First field of every request; the worker declines any other (an older or newer client).
PROTOCOL = b"briefing-serve 2"


def socket_path(root: str) -> str:
    """The worker's socket for the brief folder *root*."""
    return os.path.join(root, SOCKET_DIR, SOCKET_NAME)
