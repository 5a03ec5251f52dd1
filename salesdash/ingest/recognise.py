"""What each sheet is: deals, stage history, accounts, reps, activities, quotas, surveys or a price list.

Every table's column mapping is proposed for the sheet and scored by how telling its matched fields
are (synonyms.WEIGHTS × confidence); the best table wins when it scores at least MIN_SCORE. Two
value checks settle the usual confusions: a "deal" sheet whose deal ids repeat and that has a date
per row is a stage history (Salesforce OpportunityHistory looks like Opportunity by its headers);
a sheet that only names owners with a team or manager is a rep list.
"""

from __future__ import annotations

from salesdash.ingest.mapping import IGNORE, TABLES, SheetMapping, map_columns
from salesdash.ingest.read import RawSheet
from salesdash.ingest.synonyms import WEIGHTS

MIN_SCORE = 2.5


def score(table: str, mapping: SheetMapping) -> float:
    weights = WEIGHTS[table]
    return sum(weights.get(c.field, 0.5) * c.confidence for c in mapping.columns if c.field)


def propose(sheet: RawSheet) -> SheetMapping:
    """The likeliest table for a sheet and its column mapping (table IGNORE when nothing fits)."""
    candidates: dict[str, tuple[float, SheetMapping]] = {}
    for table in TABLES:
        m = SheetMapping(sheet.source, table, 0.0, map_columns(table, sheet.frame, sheet.columns))
        candidates[table] = (score(table, m), m)
    deals_score, deals = candidates["deals"]
    events_mapping = candidates["deal_events"][1]
    # the cheap test first: counting distinct ids of a million-row sheet takes a quarter second
    if deals_score and "changed_at" in events_mapping.fields() and _ids_repeat(sheet, events_mapping):
        events_score, events = candidates["deal_events"]
        candidates["deal_events"] = (max(events_score, deals_score) + 1, events)
    best = max(candidates, key=lambda t: candidates[t][0])
    best_score, mapping = candidates[best]
    if best_score < MIN_SCORE:
        return SheetMapping(sheet.source, IGNORE, 0.0, mapping.columns)
    runner_up = max((s for t, (s, _) in candidates.items() if t != best), default=0.0)
    mapping.confidence = round(min(1.0, (best_score - runner_up) / best_score + 0.3), 2)
    return mapping


def remap(sheet: RawSheet, table: str) -> SheetMapping:
    """The proposal for a table the user chose for this sheet."""
    if table == IGNORE:
        return SheetMapping(sheet.source, IGNORE, 1.0, map_columns("deals", sheet.frame, sheet.columns))
    return SheetMapping(sheet.source, table, 1.0, map_columns(table, sheet.frame, sheet.columns))


def _ids_repeat(sheet: RawSheet, mapping: SheetMapping) -> bool:
    column = mapping.fields().get("deal_id")
    if column is None or len(sheet.frame) < 4:
        return False
    ids = sheet.frame[column]
    ids = ids[ids != ""]
    return len(ids) > 0 and ids.nunique() < 0.6 * len(ids)  # a history has several rows per deal
