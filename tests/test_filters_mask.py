"""Filters.segment_mask (pandas) keeps exactly the rows Filters.segment_sql (DuckDB) keeps.

The fixture holds, in every dimension, NULLs, near misses of a real value (case, spaces, an empty text),
texts that mean something to SQL, regular expressions or pandas ('%', '_', '.*', 'NaN', 'None', 'null') and
hostile values. Every filter below is run both ways over the same rows.
"""

from __future__ import annotations

import itertools
import random
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest

from salesdash import db
from salesdash.filters import DIMENSIONS, Filters

AS_OF = date(2025, 11, 25)
BASE = Filters(date_from=AS_OF, date_to=AS_OF, as_of=AS_OF)
VALUES = [
    "Partner", "partner", " Partner", "Partner ", "", None, "NaN", "None", "null", "%", "_", ".*", "Part%",
    "'; DROP TABLE deals; --", "Partner' OR '1'='1", "渠道", "🙂", "$channels",
]  # fmt: skip
COLUMNS = list(DIMENSIONS.values())


@pytest.fixture(scope="module")
def conn():
    c = duckdb.connect(":memory:")
    rng = random.Random(5)
    rows = [(i, *(rng.choice(VALUES) for _ in COLUMNS)) for i in range(600)]
    c.execute(f"CREATE TABLE facts (id INTEGER, {', '.join(f'{name} VARCHAR' for name in COLUMNS)})")
    c.executemany(f"INSERT INTO facts VALUES ({', '.join('?' * (len(COLUMNS) + 1))})", rows)
    yield c
    c.close()


def sql_ids(conn, f: Filters) -> list[int]:
    sql = "SELECT id FROM facts d WHERE TRUE" + f.segment_sql("d") + " ORDER BY id"
    return db.query(conn, sql, f.params())["id"].tolist()


def mask_ids(frame: pd.DataFrame, f: Filters) -> list[int]:
    return frame.loc[f.segment_mask(frame), "id"].tolist()


def choices() -> list[Filters]:
    rng = random.Random(11)
    chosen = [v for v in VALUES if v is not None]
    out = [BASE]
    for name, value in itertools.product(DIMENSIONS, chosen):  # every value alone, in every dimension
        out.append(Filters(date_from=AS_OF, date_to=AS_OF, as_of=AS_OF, **{name: (value,)}))
    for _ in range(150):  # several dimensions at once, several values each
        picked = rng.sample(list(DIMENSIONS), rng.randint(2, 4))
        out.append(
            Filters(date_from=AS_OF, date_to=AS_OF, as_of=AS_OF,
                    **{name: tuple(rng.sample(chosen, rng.randint(1, 4))) for name in picked})
        )  # fmt: skip
    return out


def test_mask_and_sql_keep_the_same_rows(conn):
    frame = db.query(conn, "SELECT * FROM facts ORDER BY id")
    kept = 0
    for f in choices():
        expected = sql_ids(conn, f)
        assert mask_ids(frame, f) == expected, f
        kept += len(expected)
    assert kept > 2000  # the choices select rows, not only nothing


def test_missing_values_never_match(conn):
    frame = db.query(conn, "SELECT * FROM facts ORDER BY id")
    # a chosen None (a Filters built by hand) keeps no NULL row, as list_contains never matches NULL
    f = Filters(date_from=AS_OF, date_to=AS_OF, as_of=AS_OF, channels=(None, "Partner"))  # type: ignore[arg-type]
    mask = f.segment_mask(frame)
    assert frame.loc[mask, "channel"].eq("Partner").all() and mask.sum() > 0
    # an object column holding NaN and None, as pandas may give an upload's column, behaves the same
    loose = frame.astype({"channel": object})
    loose.loc[loose["channel"].isna(), "channel"] = np.nan
    assert (f.segment_mask(loose) == mask).all()


def test_no_choice_keeps_every_row_and_needs_no_column():
    frame = pd.DataFrame({"id": [1, 2, 3]})
    assert BASE.segment_mask(frame).tolist() == [True, True, True]
    # only the active dimensions are read; `dims` narrows them as segment_sql's does
    f = Filters(date_from=AS_OF, date_to=AS_OF, as_of=AS_OF, channels=("Partner",), teams=("T1",))
    rows = pd.DataFrame({"team": ["T1", "T2", None]})
    assert f.segment_mask(rows, dims=("teams",)).tolist() == [True, False, False]
