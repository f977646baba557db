"""briefing: a folder of templated Markdown sections becomes a print-ready PDF brief."""

from __future__ import annotations

__version__ = "0.1.0"

from .brief import load_brief  # noqa: E402
from .build import build  # noqa: E402

__all__ = ["__version__", "build", "load_brief"]
