"""The cold way to convert: one `soffice --convert-to pdf` process per file (the bench's baseline)."""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from .converter import converter_environment
from .errors import ConversionFailed


def convert_cold(docx: bytes, profile_dir: Path, soffice: str = "soffice", timeout: float = 120) -> bytes:
    """`profile_dir` is LibreOffice's user profile, reused between calls (a fresh one would add its creation time)."""
    with tempfile.TemporaryDirectory(prefix="okuyami-cold-") as folder:
        work = Path(folder)
        source = work / "document.docx"
        source.write_bytes(docx)
        profile = Path(profile_dir).resolve().as_uri()
        try:
            subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={profile}",
                            "--convert-to", "pdf", "--outdir", str(work), str(source)],
                           check=True, capture_output=True, timeout=timeout, env=converter_environment())
        except (subprocess.SubprocessError, OSError) as exc:
            raise ConversionFailed(f"soffice --convert-to failed: {exc}") from exc
        target = work / "document.pdf"
        if not target.exists():
            raise ConversionFailed("soffice --convert-to wrote no PDF")
        return target.read_bytes()
