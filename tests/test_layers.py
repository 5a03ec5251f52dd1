"""salesdash's core never imports Streamlit: only salesdash.ui may (STYLE.md, harlequin's rule)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import salesdash

ROOT = Path(__file__).resolve().parent.parent


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(salesdash.__path__, "salesdash."):
        if info.name == "salesdash.ui" or info.name.startswith("salesdash.ui."):
            continue
        names.append(info.name)
    return names


def test_core_modules_are_found():
    names = core_modules()
    assert "salesdash.filters" in names and "salesdash.overview" in names


def test_core_imports_without_streamlit():
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    if name.endswith('__main__'): continue\n"
        "    importlib.import_module(name)\n"
        "bad = [m for m in sys.modules if m == 'streamlit' or m.startswith('streamlit.')]\n"
        "print(','.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_hold_no_sql():
    import re

    sql = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b")
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py")]:
        assert not sql.search(path.read_text("utf-8")), path.name
