"""Shared fixtures: small named databases built from tests/data/*.sql (as harlequin does)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from salesdash import db
from salesdash.filters import Filters

DATA = Path(__file__).parent / "data"


def fixture_sql(name: str) -> str:
    """The text of tests/data/<name>, each `-- include: other.sql` line replaced by that file's text."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return "\n".join(
        fixture_sql(line.removeprefix("-- include:").strip()) if line.startswith("-- include:") else line
        for line in lines
    )


def build_from_sql(path: Path, *sql_files: str, then: str = "") -> Path:
    """A database file with the contract schema and the given fixture files, changed by the statements
    `then` (a variant of a fixture: e.g. "DELETE FROM deal_events" for a dataset without history)."""

    def fill(conn: db.Connection) -> None:
        for name in sql_files:
            conn.execute(fixture_sql(name))
        if then:
            conn.execute(then)

    db.build_database_file(path, fill)
    return path


@pytest.fixture(scope="session")
def funnel_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-built funnel of tests/data/funnel.sql (Funnel and Bottlenecks pages)."""
    return build_from_sql(tmp_path_factory.mktemp("funnel") / "funnel.duckdb", "funnel.sql")


@pytest.fixture(scope="session")
def tiny_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_from_sql(tmp_path_factory.mktemp("tiny") / "tiny.duckdb", "tiny.sql")


@pytest.fixture()
def tiny(tiny_path: Path) -> Iterator[db.Connection]:
    conn = db.open_company(tiny_path)
    yield conn
    conn.close()


@pytest.fixture()
def q2_2025() -> Filters:
    """Q2 2025 as of its last day, no segment filter (the tiny fixture's main period)."""
    return Filters(date_from=date(2025, 4, 1), date_to=date(2025, 6, 30), as_of=date(2025, 6, 30))


DEMO_AS_OF = date(2025, 11, 25)


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo company (8,000 deals, as of 2025-11-25) for page and browser tests."""
    from salesdash.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path, deals=8_000, seed=7, as_of=DEMO_AS_OF)
    return path
