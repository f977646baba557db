"""Refresh the copy of PDF.js that `briefing preview` serves: run `make pdfjs`.

Takes the two files the preview page needs (the library and its worker, minified) and
the licence from the `pdfjs-dist` npm package, through `npm pack`, into
briefing/preview_assets/pdfjs/. They are committed, so installing briefing with pip
needs neither npm nor a network; only a maintainer who moves to a new version runs this.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "briefing" / "preview_assets" / "pdfjs"
VERSION = "6.5.438"
FILES = {"package/build/pdf.min.mjs": "pdf.min.mjs", "package/build/pdf.worker.min.mjs": "pdf.worker.min.mjs",
         "package/LICENSE": "LICENSE"}


def main(version: str = VERSION) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        name = subprocess.run(["npm", "pack", f"pdfjs-dist@{version}", "--silent"], cwd=tmp, check=True,
                              capture_output=True, text=True).stdout.split()[-1]
        with tarfile.open(Path(tmp) / name) as archive:
            TARGET.mkdir(parents=True, exist_ok=True)
            lines = [f"pdfjs-dist {version} (Apache-2.0), from the npm package by tools/vendor_pdfjs.py"]
            for member, target in FILES.items():
                data = archive.extractfile(member).read()  # type: ignore[union-attr]
                (TARGET / target).write_bytes(data)
                lines.append(f"{hashlib.sha256(data).hexdigest()}  {target}")
    (TARGET / "VERSION").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"PDF.js {version} in {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main(*sys.argv[1:])
