"""Put the converted sheets together and into a private in-memory DuckDB.

Across sheets: deals from several sheets are one table (exact duplicate rows rejected, a repeated id
with different values loaded under a suffixed id and flagged); spellings that differ only in case,
spaces or punctuation ("GTXPro" / "GTX Pro") become one; a product price list fills amounts the
export left blank (open deals) or 0 (lost deals) when the user keeps that option; deals that name
their owner or account where the rep/account sheet has ids are linked by name; accounts and reps
are completed from facts carried on the deal sheet; and `stages` is built when the upload has none.
"""

from __future__ import annotations

import contextlib
import ctypes
import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import pyarrow as pa

from salesdash import db
from salesdash.ingest import parse
from salesdash.ingest import stages as stage_order
from salesdash.ingest.limits import Problem
from salesdash.ingest.validate import LOADED, REJECTED

CONTRACT: dict[str, list[str]] = {
    "deals": ["deal_id", "name", "account_id", "rep_id", "product", "channel", "lead_source", "deal_type", "amount",
              "currency", "created_on", "expected_close", "closed_on", "stage", "status", "lost_reason", "competitor",
              "forecast_category"],
    "deal_events": ["deal_id", "changed_at", "field", "old_value", "new_value"],
    "accounts": ["account_id", "name", "customer_type", "industry", "region", "size_band"],
    "reps": ["rep_id", "name", "team", "region", "manager", "hired_on"],
    "quotas": ["rep_id", "period_start", "period_end", "amount"],
    "activities": ["activity_id", "deal_id", "account_id", "rep_id", "type", "occurred_at", "outcome"],
    "surveys": ["response_id", "account_id", "deal_id", "rep_id", "submitted_on", "nps", "csat", "product_quality",
                "service_attitude", "response_speed", "comment"],
    "stages": ["stage", "position", "kind", "default_probability", "target_conversion"],
}  # fmt: skip
KEYS = {"deals": ["deal_id"], "accounts": ["account_id"], "reps": ["rep_id"], "activities": ["activity_id"],
        "surveys": ["response_id"], "quotas": ["rep_id", "period_start"]}  # fmt: skip
DATE_COLUMNS = {"created_on", "expected_close", "closed_on", "hired_on", "period_start", "period_end", "submitted_on"}
MERGE_SPELLINGS = ("product", "channel", "lead_source", "_account_customer_type", "_account_industry", "_rep_team")


@dataclass(frozen=True)
class Options:
    """Choices the user can change on the page (and that change the dataset's identity)."""

    estimate_amounts: bool = True  # fill blank / lost-at-0 amounts from a product price list
    stage_order: tuple[str, ...] = ()
    today: date = field(default_factory=date.today)


@dataclass
class Assembled:
    tables: dict[str, pd.DataFrame]
    issues: list[pd.DataFrame]  # extra issue rows found across sheets (validate.ISSUE_COLUMNS)
    warnings: dict[tuple[str, str], int]  # (source, issue) -> rows
    stage_how: str
    open_stages: list[str]


def assemble(parts: dict[str, list[pd.DataFrame]], sequences: list[pd.DataFrame], options: Options,
             problems: list[Problem]) -> Assembled:
    out = Assembled({}, [], {}, "none", [])
    frames: dict[str, pd.DataFrame | None] = {
        name: p[0] if len(p) == 1 else pd.concat(p, ignore_index=True) for name, p in parts.items() if p
    }
    for name in KEYS:
        if name in frames:
            frames[name] = _dedupe(name, frames[name], out)
    deals = frames.get("deals")
    if deals is not None:
        _merge_spellings(deals, frames.get("products"), problems)
        if "products" in frames and options.estimate_amounts:
            _estimate_amounts(deals, frames["products"], out, problems)
        for name, id_col in (("reps", "rep_id"), ("accounts", "account_id")):
            if name in frames:
                _link_by_name(deals, frames[name], id_col, problems)
        frames["accounts"] = _with_derived(frames.get("accounts"), deals, "account_id", {
            "customer_type": "_account_customer_type", "industry": "_account_industry", "region": "_account_region"})
        frames["reps"] = _with_derived(frames.get("reps"), deals, "rep_id", {"team": "_rep_team", "region": "_rep_region"})
        seq = pd.concat(sequences, ignore_index=True) if sequences else None
        probs = [s.attrs["probabilities"] for s in sequences if "probabilities" in s.attrs]
        probs.append(pd.DataFrame({"stage": deals["stage"], "probability": deals["_probability"]}))
        won_names = list(deals.loc[deals["status"] == "won", "_stage_word"].dropna().value_counts().index)
        lost_names = list(deals.loc[deals["status"] == "lost", "_stage_word"].dropna().value_counts().index)
        if seq is not None and len(seq):  # a history may name the won / lost stages the deal sheet does not
            named = pd.Series(seq["stage"].dropna().astype("str").unique())
            words = named.map(parse.status_word)
            won_names += [n for n in named[words == "won"] if n not in won_names]
            lost_names += [n for n in named[words == "lost"] if n not in lost_names]
        ordered = stage_order.order_stages(
            deals.loc[deals["status"] != "won", "stage"], won_names, lost_names, seq,
            pd.concat(probs, ignore_index=True), options.stage_order,
        )
        out.stage_how = ordered.how
        out.open_stages = list(ordered.table.loc[ordered.table["kind"] == "open", "stage"])
        won_stage = ordered.table.loc[ordered.table["kind"] == "won", "stage"].iloc[0]
        deals["stage"] = deals["stage"].where(deals["status"] != "won", won_stage)
        if seq is not None and len(seq):
            known = set(seq["stage"].dropna().astype("str"))
            unknown = deals["stage"].notna() & (deals["status"] == "open") & ~deals["stage"].isin(known)
            _cross_issue(out, deals, unknown, "stage", "unknown_stage", LOADED)
        frames["stages"] = ordered.table
        if deals["created_on"].isna().any() and (deals["status"] == "open").any():
            problems.append(Problem("open_without_created", "info", "", {"rows": int((deals["created_on"].isna() & (deals["status"] == "open")).sum())}))
    events = frames.get("deal_events")
    if events is not None and deals is not None:
        unknown = ~events["deal_id"].isin(set(deals["deal_id"]))
        if unknown.any():
            problems.append(Problem("history_unknown_deal", "warning", "", {"rows": int(unknown.sum())}))
    for name, frame in frames.items():
        if name in CONTRACT and frame is not None:
            out.tables[name] = frame
    return out


def _cross_issue(out: Assembled, frame: pd.DataFrame, mask: pd.Series, column: str, issue: str, action: str,
                 values: pd.Series | None = None) -> None:
    if not mask.any():
        return
    rows = frame.loc[mask]
    shown = values.loc[rows.index] if values is not None else rows[column] if column in rows else pd.Series("", index=rows.index)
    out.issues.append(pd.DataFrame({"source": rows["_source"], "row": rows["_row"], "column": column,
                                    "value": shown.astype("str").str.slice(0, 200), "issue": issue, "action": action}))
    if action == LOADED:
        for source, n in rows["_source"].value_counts().items():
            out.warnings[(str(source), issue)] = out.warnings.get((str(source), issue), 0) + int(n)


def _dedupe(name: str, frame: pd.DataFrame, out: Assembled) -> pd.DataFrame:
    """Exact repeats are rejected; a key repeated with other values: deals get a suffixed id (loaded,
    flagged), other tables keep the first row and reject the rest (a second account 'A1' cannot be
    told apart from the first where deals point at it)."""
    keys = KEYS[name]
    repeated = frame.duplicated(subset=keys, keep=False)
    if not repeated.any():
        return frame
    columns = [c for c in CONTRACT[name] if c in frame]
    candidates = frame.loc[repeated]
    exact = candidates.duplicated(subset=columns, keep="first")
    exact_mask = pd.Series(False, index=frame.index)
    exact_mask.loc[candidates.index[exact]] = True
    _cross_issue(out, frame, exact_mask, keys[0], "duplicate_row", REJECTED)
    frame = frame.loc[~exact_mask]
    repeated = frame.duplicated(subset=keys, keep=False)
    if not repeated.any():
        return frame.reset_index(drop=True)
    if name == "deals":
        _cross_issue(out, frame, repeated, "deal_id", "duplicate_id", LOADED)
        n = frame.groupby("deal_id").cumcount()
        frame = frame.copy()
        frame["deal_id"] = frame["deal_id"].where(n == 0, frame["deal_id"] + " (" + (n + 1).astype("str") + ")")
        return frame.reset_index(drop=True)
    later = frame.duplicated(subset=keys, keep="first")
    _cross_issue(out, frame, later, keys[0], "duplicate_key", REJECTED)
    return frame.loc[~later].reset_index(drop=True)


def spelling_key(text: str) -> str:
    return re.sub(r"[^0-9a-z\u3400-\u9fff]", "", text.lower())


def _merge_spellings(deals: pd.DataFrame, price_list: pd.DataFrame | None, problems: list[Problem]) -> None:
    """Values equal but for case, spaces or punctuation become the price list's or the commonest spelling."""
    preferred = {spelling_key(p): p for p in price_list["product"]} if price_list is not None else {}
    for column in MERGE_SPELLINGS:
        if column not in deals:
            continue
        counts = deals[column].dropna().value_counts()
        if len(counts) < 2:
            continue
        canonical: dict[str, str] = {}
        for value in counts.index:  # most common first
            canonical.setdefault(spelling_key(str(value)), str(value))
        if column == "product":
            canonical.update({k: v for k, v in preferred.items() if k in canonical})
        renames = {str(v): canonical[spelling_key(str(v))] for v in counts.index if canonical[spelling_key(str(v))] != v}
        if renames:
            changed = deals[column].isin(list(renames))
            deals.loc[changed, column] = deals.loc[changed, column].map(renames)
            for old, new in renames.items():
                problems.append(Problem("spelling_merged", "info", "", {
                    "column": column.strip("_").replace("account_", "").replace("rep_", ""), "old": old, "new": new,
                    "rows": int(counts[old])}))


def _estimate_amounts(deals: pd.DataFrame, price_list: pd.DataFrame, out: Assembled, problems: list[Problem]) -> None:
    if "product" not in deals:
        return
    prices = price_list.dropna(subset=["price"]).drop_duplicates("product").set_index("product")["price"]
    blank = deals["amount"].isna() & (deals["status"] != "won")
    zero_lost = (deals["amount"] == 0) & (deals["status"] == "lost")
    estimate = deals["product"].map(prices)
    todo = (blank | zero_lost) & estimate.notna()
    if not todo.any():
        return
    filled = deals["product"] + ": " + estimate.map("{:,.0f}".format, na_action="ignore")
    _cross_issue(out, deals, todo, "amount", "estimated_amount", LOADED, filled)
    deals.loc[todo, "amount"] = estimate[todo]
    problems.append(Problem("amounts_estimated", "warning", "", {
        "open": int((todo & (deals["status"] == "open")).sum()), "lost": int((todo & zero_lost).sum())}))


def _link_by_name(deals: pd.DataFrame, table: pd.DataFrame, id_col: str, problems: list[Problem]) -> None:
    """Deals naming an owner / account where that sheet keys it by id: use the id."""
    if id_col not in deals:
        return
    ids = set(table[id_col])
    named = table.dropna(subset=["name"])
    by_name = dict(zip(named["name"], named[id_col], strict=False))
    values = deals[id_col]
    todo = values.notna() & ~values.isin(ids) & values.isin(list(by_name))
    if todo.any() and (by_name.keys() - ids):
        deals.loc[todo, id_col] = values[todo].map(by_name)
        problems.append(Problem("linked_by_name", "info", "", {"column": id_col, "rows": int(todo.sum())}))


def _with_derived(table: pd.DataFrame | None, deals: pd.DataFrame, id_col: str, facts: dict[str, str]) -> pd.DataFrame | None:
    """Accounts / reps named on deal rows with their facts (customer type, team…) when no sheet lists them."""
    present = {k: v for k, v in facts.items() if v in deals and deals[v].notna().any()}
    if not present or id_col not in deals:
        return table
    derived = deals.dropna(subset=[id_col]).groupby(id_col, sort=False)[list(present.values())].first().reset_index()
    derived = derived.rename(columns={v: k for k, v in present.items()})
    derived["name"] = derived[id_col]
    derived["_source"] = "deals"
    if table is None:
        return derived
    missing = derived[~derived[id_col].isin(set(table[id_col]))]
    table = table.copy()
    for k in present:  # fill a blank fact of a listed account from its deals
        if k in table:
            table[k] = table[k].fillna(table[id_col].map(derived.set_index(id_col)[k]))
    return pd.concat([table, missing], ignore_index=True)


def to_database(tables: dict[str, pd.DataFrame], info: dict[str, str]) -> db.Connection:
    """A fresh private in-memory database holding the upload's tables (contract columns only).

    Consumes `tables` (emptied as each table is copied in), so the DataFrames are freed before the
    derived views are stored: at a million deals that keeps the peak under 1 GB.
    """
    conn = db.new_memory_db(keys=False)  # assemble() made every key unique and reported the repeats
    for name in list(tables):
        frame = tables.pop(name)
        arrays, names = [], []
        for c in CONTRACT[name]:
            if c not in frame:
                continue
            values = frame[c]
            if c in DATE_COLUMNS:
                arrays.append(pa.array(pd.to_datetime(values).to_numpy().astype("datetime64[D]"), type=pa.date32(), from_pandas=True))
            elif values.dtype == "str":
                arrays.append(pa.Array.from_pandas(values))  # Arrow-backed already: no copy
            elif isinstance(values.dtype, pd.CategoricalDtype):  # codes + names: cast in C, no string per row
                arrays.append(pa.array(values, from_pandas=True).cast(pa.string()))
            elif values.dtype == object:
                arrays.append(pa.array(values.astype(object).where(values.notna(), None), type=pa.string(), from_pandas=True))
            else:
                arrays.append(pa.array(values, from_pandas=True))
            names.append(c)
        del frame
        db.load_tables(conn, {name: pa.Table.from_arrays(arrays, names=names)})
        del arrays
    db.load_tables(conn, {}, info)
    release_freed_memory()  # the frames just freed, before DuckDB grows
    db.materialize(conn, lean=True)  # the derived views stored once, the deal rows held once
    return conn


def release_freed_memory() -> None:
    """Hand memory the analysis freed back to the system, so DuckDB's tables do not come on top of it.

    Arrow's allocator (mimalloc) keeps freed pages for reuse, and so does glibc's malloc: after a
    million-row analysis ~170 MB and ~45 MB that nothing would reuse before the upload is loaded.
    """
    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):  # glibc only (not macOS, not musl)
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def loaded_per_source(tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for frame in tables.values():
        if "_source" in frame:
            for source, n in frame["_source"].value_counts().items():
                counts[str(source)] = counts.get(str(source), 0) + int(n)
    return counts


__all__ = ["Options", "assemble", "to_database", "release_freed_memory", "CONTRACT"]
