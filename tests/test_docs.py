"""Docs are checked: every metric a module exposes has its paragraph in docs/metrics.md."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import salesdash

ROOT = Path(__file__).resolve().parent.parent


def exposed_metrics() -> dict[str, str]:
    found: dict[str, str] = {}
    for info in pkgutil.walk_packages(salesdash.__path__, "salesdash."):
        if info.name.startswith("salesdash.ui") or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "METRICS", ()):
            found[name] = info.name
    return found


def documented() -> set[str]:
    text = (ROOT / "docs" / "metrics.md").read_text("utf-8")
    headings = [line for line in text.splitlines() if line.startswith("#")]
    return {name for line in headings for name in re.findall(r"`([a-z0-9_]+)`", line)}


def test_metrics_are_exposed():
    assert {"win_rate", "nps", "stage_conversion"} <= set(exposed_metrics())


def test_every_exposed_metric_is_documented():
    missing = {name: module for name, module in exposed_metrics().items() if name not in documented()}
    assert missing == {}


def test_readme_names_two_commands():
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "scripts/start" in readme and "scripts/test" in readme
