"""Every use of ReportLab's internals, in one place.

The layout relies on a few members ReportLab does not document (frame positions,
the canvas's page stream, the document's page counter) and on one process-wide
setting. Each is wrapped here in a small function that says why it is needed, so
an upgrade of ReportLab is checked against this module and its test
(`tests/test_rl_compat.py`), and nothing else in the package touches a private name.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from reportlab import rl_config


@contextmanager
def pdf_settings() -> Iterator[None]:
    """ReportLab's process-wide output settings for the duration of one document build.

    Streams are Flate-compressed, never also ASCII85-encoded (`useA85`, on by default:
    a third larger and slower, in pure Python). The previous value is restored, so
    importing or building changes nothing for other users of ReportLab.
    """
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous
