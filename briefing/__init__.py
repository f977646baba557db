"""briefing: a folder of templated Markdown sections becomes a print-ready PDF brief.

The public API is `build()`, `check()` and `__version__`. Importing the package loads
nothing else: each function imports its stage modules when first called, so
`briefing --help` stays fast and no module of the package imports this one back.
"""

from __future__ import annotations

import sys
import types

from .version import __version__

TYPE_CHECKING = False  # not `from typing import ...`: the command's entry (client.py) imports this package
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from .build import BuildResult
    from .check import Diagnostic

__all__ = ["__version__", "build", "check"]


def build(root: Path, **options: Any) -> list[BuildResult]:
    """Build the brief at *root* into PDFs; *options* as for `briefing.build.build`."""
    from pathlib import Path

    from .build import build as run_build

    return run_build(Path(root), **options)


def check(root: Path) -> list[Diagnostic]:
    """Every error and warning of the brief at *root*, sorted by file and line; nothing is written."""
    from pathlib import Path

    from .check import check_brief

    return check_brief(Path(root))


class _Package(types.ModuleType):
    """Keeps `briefing.build` and `briefing.check` the public functions.

    Importing the submodules `briefing.build` and `briefing.check` would otherwise bind
    them over the functions of the same name; they stay in `sys.modules`.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name in ("build", "check") and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
