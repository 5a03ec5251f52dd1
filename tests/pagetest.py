"""Helpers for Streamlit AppTest runs of the real app (app.py routes to the page under test)."""

from __future__ import annotations

from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent

# AppTest resets PagesManager.uses_pages_directory before every run, and because pages/ exists it
# is then taken for a v1 multipage app: reruns execute the page alone, skipping app.py (and so the
# sidebar). A real server keeps the flag False once st.navigation has run; do the same here.
_original_init = PagesManager.__init__


def _init_without_pages_directory(self: PagesManager, *args: object, **kwargs: object) -> None:
    _original_init(self, *args, **kwargs)  # type: ignore[arg-type]
    PagesManager.uses_pages_directory = False


PagesManager.__init__ = _init_without_pages_directory  # type: ignore[method-assign]


def run_app(page: str | None = None, query: dict[str, str | list[str]] | None = None, timeout: float = 60) -> AppTest:
    """Run app.py once with URL query parameters, optionally switching to a page file (e.g. "pages/funnel.py")."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    return at


def metric_values(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}
