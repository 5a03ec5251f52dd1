"""Upload: CRM exports and hand-made sheets read, recognised, mapped, validated and loaded.

    result = ingest.analyse([("export.xlsx", data)])      # read + recognise + map + convert
    result.report.summary()                                # rows read = loaded + rejected, per sheet
    conn = ingest.to_database(result)                      # a private in-memory DuckDB

Modules, by concept: `read` (files -> sheets: `sniff` what the bytes are, `archive` zips, `textfile`
CSV/TSV/TXT, `workbook` xlsx/xls/ods, `sheet` the header and the sheet itself), `recognise` (which table
a sheet is), `mapping` + `synonyms` (columns -> contract fields, the mapping file), `parse` (values),
`convert` (a mapped sheet -> contract rows), `history` (stage history -> deal_events), `stages` (stage
order), `load` (across sheets, into DuckDB), `validate` (the report), `limits` (what an upload may be),
`template` (the example workbook).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from salesdash import db
from salesdash.ingest import convert, history, load, recognise
from salesdash.ingest.limits import Limits, Problem
from salesdash.ingest.load import Options
from salesdash.ingest.mapping import IGNORE, SheetMapping, apply_saved
from salesdash.ingest.read import RawSheet, read_upload
from salesdash.ingest.validate import REJECTED, Issues, Report, SheetReport

__all__ = ["Limits", "Options", "Result", "analyse", "to_database", "dataset_id"]


@dataclass
class Result:
    sheets: list[RawSheet]
    mappings: list[SheetMapping]
    tables: dict[str, pd.DataFrame]
    report: Report
    stage_how: str = "none"
    open_stages: list[str] = field(default_factory=list)
    dataset_id: str = ""

    counts: dict[str, int] = field(default_factory=dict)  # kept when to_database moved the tables out

    def row_counts(self) -> dict[str, int]:
        return {name: len(frame) for name, frame in self.tables.items()} or dict(self.counts)


def analyse(
    files: Sequence[tuple[str, bytes]],
    limits: Limits | None = None,
    saved: Mapping[str, Any] | None = None,
    overrides: Mapping[str, SheetMapping] | None = None,
    options: Options | None = None,
) -> Result:
    """Read every file, recognise and map every sheet, convert and check every row.

    `saved`: a mapping file's content (mapping.from_file); `overrides`: the user's corrections on the
    page, per sheet source (they win over the file, which wins over the proposal).
    """
    limits = limits or Limits()
    options = options or Options()
    if saved and not options.stage_order and saved.get("stage_order"):  # the order the user chose last time
        options = replace(options, stage_order=tuple(str(s) for s in saved["stage_order"]))
    read = read_upload(files, limits)
    problems = list(read.problems)
    mappings: list[SheetMapping] = []
    for sheet in read.sheets:
        proposal = recognise.propose(sheet)
        if saved:
            proposal = apply_saved(proposal, dict(saved))
        if overrides and sheet.source in overrides:
            proposal = overrides[sheet.source]
        mappings.append(proposal)
    issues = Issues()
    reports: list[SheetReport] = []
    parts: dict[str, list[pd.DataFrame]] = {}
    sequences: list[pd.DataFrame] = []
    kept: dict[str, int] = {}
    for sheet, mapping in zip(read.sheets, mappings, strict=True):
        report = SheetReport(sheet.source, mapping.table, sheet.rows_read, blank_rows=sheet.blank_rows, title_rows=sheet.title_rows)
        reports.append(report)
        if len(sheet.rejected):
            issues.add_frame(sheet.rejected.assign(source=sheet.source, column="", value=sheet.rejected["text"],
                                                   issue=sheet.rejected["reason"], action=REJECTED))
        if mapping.table == IGNORE:
            if len(sheet.frame):
                issues.add(sheet, pd.Series(True, index=sheet.frame.index), "", "sheet_ignored", REJECTED,
                           pd.Series("", index=sheet.frame.index))
                problems.append(Problem("sheet_not_recognised", "warning", sheet.source))
            continue
        view = convert.SheetView(sheet, mapping, issues, problems)
        try:
            if mapping.table == "deal_events":
                events, seq = history.events(view)
                parts.setdefault("deal_events", []).append(events)
                sequences.append(seq)
            else:
                converter = getattr(convert, mapping.table)
                frame = converter(view, options.today) if mapping.table == "deals" else converter(view)
                parts.setdefault(mapping.table, []).append(frame)
                if mapping.table == "deals" and "stage_entered" in {c.field for c in mapping.columns}:
                    events, seq = history.entered_events(view, frame)
                    parts.setdefault("deal_events", []).append(events)
                    sequences.append(seq)
        except Exception as exc:  # a converter bug: the sheet's rows are rejected and said why, never a traceback  # noqa: BLE001
            problems.append(Problem("sheet_failed", "error", sheet.source, {"detail": f"{type(exc).__name__}: {exc}"[:200]}))
            view.reject(~view.rejected, "", "sheet_failed")
        kept[sheet.source] = int((~view.rejected).sum())
        report.warnings = dict(view.warnings)
        del view
        sheet.keep_sample()  # the converted rows hold everything from here on
    assembled = load.assemble(parts, sequences, options, problems)
    for extra in assembled.issues:
        issues.add_frame(extra)
    issue_table = issues.table()
    loaded = load.loaded_per_source({k: v for k, v in assembled.tables.items() if k not in ("deal_events",)})
    rejected_rows = issue_table[issue_table["action"] == REJECTED].drop_duplicates(["source", "row"])["source"].value_counts()
    for report in reports:
        report.rows_rejected = int(rejected_rows.get(report.source, 0))
        if report.table in ("deal_events", "products"):
            report.rows_loaded = kept.get(report.source, 0)
        else:
            report.rows_loaded = loaded.get(report.source, 0)
        for (source, issue), n in assembled.warnings.items():
            if source == report.source:
                report.warnings[issue] = report.warnings.get(issue, 0) + n
    products = assembled.tables.pop("products", None)
    del products
    result = Result(
        sheets=read.sheets,
        mappings=mappings,
        tables={k: v for k, v in assembled.tables.items() if k in load.CONTRACT},
        report=Report(reports, issue_table, problems),
        stage_how=assembled.stage_how,
        open_stages=assembled.open_stages,
    )
    result.dataset_id = dataset_id(files, mappings, options)
    load.release_freed_memory()  # the raw sheets and every step's scratch columns are gone by now
    return result


def dataset_id(files: Sequence[tuple[str, bytes]], mappings: Sequence[SheetMapping], options: Options) -> str:
    """Content hash of the files and of every choice that shapes the loaded data (cache identity)."""
    h = hashlib.sha256()
    for name, data in files:
        h.update(name.encode("utf-8", "replace"))
        h.update(hashlib.sha256(data).digest())
    choices = [[m.source, m.table, [[c.column, c.field] for c in m.columns], sorted(m.date_order.items())] for m in mappings]
    h.update(json.dumps([choices, options.estimate_amounts, list(options.stage_order), str(options.today)]).encode())
    return "upload:" + h.hexdigest()[:32]


def to_database(result: Result) -> db.Connection:
    """The upload as a private in-memory DuckDB with the contract's tables and views.

    Moves the tables out of `result` (its `tables` is empty afterwards; `row_counts` stay known).
    """
    result.counts = result.row_counts()
    return load.to_database(result.tables, {"source": "upload"})
