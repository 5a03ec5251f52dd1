"""Small vectorised helpers shared by the demo generator: categorical draws and Arrow columns.

Categories travel through the generator as small integer codes; they become text only here, at
the edge, as Arrow dictionary arrays (cheap to build, and DuckDB stores them as plain VARCHAR).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

Ints = npt.NDArray[np.integer]
Rng = np.random.Generator


def stream(seed: int, purpose: int) -> Rng:
    """An independent random stream per concern, so changing one part leaves the others' data alone."""
    return np.random.default_rng([seed, purpose])


def choose(rng: Rng, weights: npt.ArrayLike, size: int) -> npt.NDArray[np.int8]:
    """`size` codes drawn with the given (unnormalised) weights."""
    cum = np.cumsum(np.asarray(weights, dtype=np.float64))
    codes = np.searchsorted(cum / cum[-1], rng.random(size), side="right")
    picked: npt.NDArray[np.int8] = np.minimum(codes, len(cum) - 1).astype(np.int8)
    return picked


def choose_per_row(rng: Rng, weight_rows: Sequence[Sequence[float]], row: Ints) -> npt.NDArray[np.int8]:
    """One code per element, drawn from the weight row that element points at."""
    table = np.asarray(weight_rows, dtype=np.float64)
    cum = np.cumsum(table, axis=1)
    cum /= np.where(cum[:, -1:] > 0, cum[:, -1:], 1.0)
    u = rng.random(len(row))
    codes = np.zeros(len(row), dtype=np.int64)
    # A loop over the few weight rows (not over elements) keeps memory flat at millions of rows.
    for r in range(table.shape[0]):
        hit = row == r
        codes[hit] = np.searchsorted(cum[r], u[hit], side="right")
    picked: npt.NDArray[np.int8] = np.minimum(codes, table.shape[1] - 1).astype(np.int8)
    return picked


def labels(codes: Ints, names: Sequence[str], valid: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    """Codes to a dictionary-encoded text column; positions where `valid` is False become NULL."""
    mask = None if valid is None else ~valid
    indices = pa.array(np.asarray(codes, dtype=np.int32), mask=mask)
    return pa.DictionaryArray.from_arrays(indices, pa.array(list(names), pa.string()))


def plain_labels(codes: Ints, names: Sequence[str], valid: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    """Like `labels` but a plain string column (for columns that mix several vocabularies)."""
    mask = None if valid is None else ~valid
    indices = pa.array(np.asarray(codes, dtype=np.int32), mask=mask)
    return pa.array(list(names), pa.string()).take(indices)


def ids(prefix: str, numbers: Ints, width: int) -> pa.Array:
    """Zero-padded identifiers such as D0000042, built in Arrow rather than in Python strings.

    `width` is a minimum: a larger build widens every id alike, so ids still sort in number order.
    """
    numbers = np.asarray(numbers, dtype=np.int64)
    if numbers.size:
        width = max(width, len(str(int(numbers.max()))))
    digits = pc.cast(pa.array(numbers), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(digits, width=width, padding="0"), "")


def dates(days: npt.NDArray[np.datetime64], valid: npt.NDArray[np.bool_] | None = None) -> pa.Array:
    mask = None if valid is None else ~valid
    return pa.array(days.astype("datetime64[D]"), pa.date32(), mask=mask)


def timestamps(stamps: npt.NDArray[np.datetime64]) -> pa.Array:
    return pa.array(stamps.astype("datetime64[s]"), pa.timestamp("s"))


def date_text(days: npt.NDArray[np.datetime64]) -> pa.Array:
    """ISO dates as text (deal_events store every value as text)."""
    return pc.cast(dates(days), pa.string())


def number_text(values: npt.NDArray[np.int64]) -> pa.Array:
    return pc.cast(pa.array(np.asarray(values, dtype=np.int64)), pa.string())
