"""Compile a .tex with latexmk (pdfLaTeX, no shell escape), reproducibly."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from derivekit.errors import DerivekitError

INSTALL_HINT = ("install TeX to build PDFs, e.g. `apt-get install texlive-latex-base "
                "texlive-latex-recommended texlive-latex-extra latexmk`")


def latexmk_available() -> bool:
    return shutil.which("latexmk") is not None and shutil.which("pdflatex") is not None


def compile_pdf(tex: Path, timeout_s: int = 300) -> Path:
    """Build tex's PDF beside it and remove the auxiliary files; one-line errors."""
    if not latexmk_available():
        raise DerivekitError(f"latexmk/pdflatex not found: {INSTALL_HINT} (the .tex was written)")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}
    command = ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error",
               "-no-shell-escape", tex.name]
    try:
        done = subprocess.run(command, cwd=tex.parent, env=env, capture_output=True, text=True,
                              errors="replace", timeout=timeout_s)
    except subprocess.TimeoutExpired:
        raise DerivekitError(f"latexmk timed out after {timeout_s} s on {tex}") from None
    if done.returncode != 0:  # keep the .log for the user
        raise DerivekitError(f"LaTeX failed on {tex}: {_first_error(tex.with_suffix('.log'))}")
    subprocess.run(["latexmk", "-c", tex.name], cwd=tex.parent, capture_output=True, env=env)
    return tex.with_suffix(".pdf")


def _first_error(log: Path) -> str:
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return "no log written"
    for i, line in enumerate(lines):
        if line.startswith("!"):
            return " ".join(x.strip() for x in lines[i:i + 3])
    return "see the .log file"
