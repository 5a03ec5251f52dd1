"""Generate the demo tables and write them to a DuckDB file (through `salesdash.db`).

Same arguments, same contents: every part draws from its own random stream derived from the
seed, and nothing reads the wall clock except the default as_of (today).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from salesdash import db
from salesdash.demo import kit
from salesdash.demo.accounts import accounts_table, open_accounts
from salesdash.demo.activities import log_activities
from salesdash.demo.clock import Clock
from salesdash.demo.deals import draft_deals
from salesdash.demo.history import build_history
from salesdash.demo.lifecycle import WON_STATUS, walk
from salesdash.demo.people import hire_roster, quotas_table, reps_table, stages_table
from salesdash.demo.surveys import collect_surveys

Progress = Callable[[float, str], None]
DEFAULT_DEALS = 30_000
DEFAULT_SEED = 7
# Random stream per concern (see kit.stream); never renumber, or every build changes.
REPS, ACCOUNTS, DEALS, WALK, HISTORY, QUOTAS, ACTIVITIES, SURVEYS = range(1, 9)
# Share of the progress bar spent generating; the rest is writing, in proportion to rows.
GENERATE_SHARE = 0.45


def _quiet(fraction: float, step: str) -> None:
    """Progress sink for callers that do not show progress."""


def generate(
    deals: int = DEFAULT_DEALS,
    seed: int = DEFAULT_SEED,
    as_of: date | None = None,
    surveys: int | None = None,
    progress: Progress | None = None,
) -> dict[str, pa.Table]:
    """All contract tables for a demo company with `deals` deals and three years of history."""
    if deals < 1:
        raise ValueError("deals must be at least 1")
    if seed < 0:
        raise ValueError("seed must not be negative")
    if surveys is not None and surveys < 0:
        raise ValueError("surveys must not be negative")
    report = progress or _quiet
    clock = Clock.ending(as_of or date.today())
    report(0.0, "Hiring the sales team")
    roster = hire_roster(clock, kit.stream(seed, REPS))
    book = open_accounts(deals, roster, kit.stream(seed, ACCOUNTS))
    draft = draft_deals(deals, clock, roster, book, kit.stream(seed, DEALS))
    report(0.1, "Walking deals through the stages")
    journeys = walk(clock, draft, roster, kit.stream(seed, WALK))
    report(0.3, "Writing deal histories")
    history = build_history(clock, draft, journeys, book, roster, kit.stream(seed, HISTORY))
    won = journeys.status == WON_STATUS
    quotas = quotas_table(clock, roster, draft.rep[won], clock.days(journeys.closed_at[won]),
                          draft.amount[won].astype(np.float64), kit.stream(seed, QUOTAS))
    report(0.6, "Logging activities")
    activities = log_activities(clock, draft, journeys, roster, book, kit.stream(seed, ACTIVITIES))
    report(0.85, "Collecting surveys")
    responses = collect_surveys(clock, draft, journeys, roster, book, kit.stream(seed, SURVEYS), surveys)
    report(1.0, "Generated")
    return {
        "stages": stages_table(),
        "reps": reps_table(roster),
        "quotas": quotas,
        "accounts": accounts_table(book),
        "deals": history["deals"],
        "deal_events": history["deal_events"],
        "activities": activities,
        "surveys": responses,
    }


def build_demo(
    path: Path,
    deals: int = DEFAULT_DEALS,
    seed: int = DEFAULT_SEED,
    as_of: date | None = None,
    surveys: int | None = None,
    progress: Progress | None = None,
) -> None:
    """Write a demo database to `path` atomically (a reader never sees a half-built file)."""
    report = progress or _quiet
    day = as_of or date.today()

    def scaled(fraction: float, step: str) -> None:
        report(GENERATE_SHARE * fraction, step)

    def fill(conn: db.Connection) -> None:
        tables = generate(deals, seed, day, surveys, scaled)
        total = sum(t.num_rows for t in tables.values()) or 1
        written = 0
        for name, table in tables.items():
            report(GENERATE_SHARE + (1 - GENERATE_SHARE) * written / total, f"Saving {name.replace('_', ' ')}")
            db.load_tables(conn, {name: table})
            written += table.num_rows
        db.load_tables(conn, {}, info={
            "source": "demo", "as_of": day.isoformat(), "seed": str(seed), "deals": str(deals),
        })

    db.build_database_file(Path(path), fill)
    report(1.0, "Done")
