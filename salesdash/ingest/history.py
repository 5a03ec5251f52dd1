"""Stage history sheets -> deal_events: Salesforce OpportunityHistory (one row per save, the stage as
it was then), field-history exports (Field / OldValue / NewValue), hand-made from/to sheets, and
HubSpot's 'Date entered <stage>' columns on the deal sheet. Rows that change nothing load as read
but make no event; the stage sequences also feed the stage order (salesdash.ingest.stages)."""

from __future__ import annotations

import pandas as pd

from salesdash.ingest import parse
from salesdash.ingest.convert import SheetView
from salesdash.ingest.mapping import STAGE_ENTERED, entered_stage
from salesdash.ingest.read import ROW


def events(view: SheetView) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(deal_events rows, stage sequences for ordering) from a stage-history or field-history sheet."""
    idx = view.frame.index
    deal_id = view.text("deal_id")
    if deal_id is None:
        view.note("history_without_deal_id", "warning")
        view.reject(pd.Series(True, index=idx), "deal_id", "blank_id")
        return pd.DataFrame(), pd.DataFrame()
    view.reject(deal_id == "", "deal_id", "blank_id")
    changed = view.dates("changed_at", keep_time=True)
    if changed is None:
        view.note("history_without_date", "warning")
        changed = pd.Series(pd.NaT, index=idx, dtype="datetime64[s]")
    view.reject(changed.isna(), "changed_at", "no_date")
    keep = ~view.rejected
    base = pd.DataFrame({"deal_id": deal_id, "changed_at": changed, "_row": view.frame[ROW]}).loc[keep]
    parts: list[pd.DataFrame] = []
    if view.has("field") and view.has("new_value"):
        field = view.text("field").loc[keep].str.lower().str.replace(r"[^a-z]", "", regex=True)  # type: ignore[union-attr]
        names = {"stage": "stage", "stagename": "stage", "amount": "amount", "closedate": "expected_close",
                 "forecastcategory": "forecast_category", "forecastcategoryname": "forecast_category", "status": "status"}  # fmt: skip
        mapped = field.map(names)
        old = view.text("old_value")
        parts.append(base.assign(field=mapped, old_value=old.loc[keep] if old is not None else None,
                                 new_value=view.text("new_value").loc[keep]).dropna(subset=["field"]))  # type: ignore[union-attr]
    else:
        ordered = base.sort_values(["deal_id", "changed_at"], kind="stable")
        for field, source in (("stage", "stage"), ("amount", "amount"), ("expected_close", "close_date")):
            texts = view.text(source)
            if texts is None:
                continue
            values = texts.loc[ordered.index]
            if source == "close_date":
                values = parse.parse_dates(values)[0].dt.strftime("%Y-%m-%d").fillna("")
            previous = values.groupby(ordered["deal_id"]).shift()
            first = previous.isna()
            changed_mask = (values != previous) & (values != "") & (~first if field != "stage" else True)
            old = view.text("old_stage") if field == "stage" else None
            old_values = old.loc[ordered.index].where(old.loc[ordered.index] != "", previous) if old is not None else previous
            parts.append(ordered.loc[changed_mask].assign(field=field, old_value=old_values[changed_mask], new_value=values[changed_mask]))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["deal_id", "changed_at", "field", "old_value", "new_value", "_row"])
    out["_source"] = view.sheet.source
    stage_rows = out[out["field"] == "stage"]
    sequences = pd.DataFrame({"deal_id": stage_rows["deal_id"], "changed_at": stage_rows["changed_at"], "stage": stage_rows["new_value"]})
    probability = view.text("probability")
    if probability is not None and view.has("stage"):
        sequences.attrs["probabilities"] = pd.DataFrame(
            {"stage": view.text("stage"), "probability": parse.parse_probabilities(probability)[0]}
        ).loc[keep]
    return out, sequences


def entered_events(view: SheetView, deals: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stage history from 'Date entered <stage>' columns (HubSpot): one stage event per filled date.
    `deals` is the sheet's converted rows (deal_id and _row), so events use the ids as loaded."""
    columns = [c.column for c in view.mapping.columns if c.field == STAGE_ENTERED]
    ids = deals.set_index("_row")["deal_id"]
    parts = []
    for column in columns:
        when = parse.parse_dates(view.frame[column])[0]
        rows = view.frame[ROW][when.notna()]
        parts.append(pd.DataFrame({"deal_id": rows.map(ids).to_numpy(), "changed_at": when[when.notna()].to_numpy(),
                                   "new_value": entered_stage(column), "_row": rows.to_numpy()}))
    if not parts:
        return pd.DataFrame(), pd.DataFrame()
    moves = pd.concat(parts, ignore_index=True).dropna(subset=["deal_id"]).sort_values(["deal_id", "changed_at"], kind="stable")
    moves["old_value"] = moves.groupby("deal_id")["new_value"].shift()
    moves["field"] = "stage"
    moves["_source"] = view.sheet.source
    sequences = moves.rename(columns={"new_value": "stage"})[["deal_id", "changed_at", "stage"]]
    return moves.reset_index(drop=True), sequences
