"""Read uploaded files into sheets of text cells: CSV/TSV/TXT, XLSX/XLS/ODS, and zips of them.

A file is read by what its bytes are, not by its name: a CSV named .xlsx is read as CSV (with a
warning), binary junk named .xlsx is refused with a message. Text files get their encoding
(BOM, UTF-8, UTF-16, GB18030, Big5, Windows-1252/Latin-1) and delimiter (, ; tab |) sniffed.
Workbooks are read with python-calamine, every sheet; formulas are never evaluated (calamine
returns the values the workbook saved). The header row is searched for below a title block.

Every cell comes out as text ('' = blank) so one parser (salesdash.ingest.parse) reads values the
same way whatever the file type; `_row` keeps the row number a person sees in the source.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from salesdash.ingest.archive import expand
from salesdash.ingest.limits import Limits, Problem, UploadProblem
from salesdash.ingest.sheet import REJECT_COLUMNS, ROW, RawSheet
from salesdash.ingest.sniff import sniff_kind
from salesdash.ingest.textfile import read_text
from salesdash.ingest.workbook import read_workbook

__all__ = ["ACCEPTED", "REJECT_COLUMNS", "ROW", "RawSheet", "ReadResult", "read_upload", "sniff_kind"]

TEXT_EXTENSIONS = {".csv", ".tsv", ".txt"}
BOOK_EXTENSIONS = {".xlsx", ".xlsm", ".xls", ".ods"}
ACCEPTED = sorted(ext.lstrip(".") for ext in TEXT_EXTENSIONS | BOOK_EXTENSIONS | {".zip"})


@dataclass
class ReadResult:
    sheets: list[RawSheet]
    problems: list[Problem]


def read_upload(files: Sequence[tuple[str, bytes]], limits: Limits) -> ReadResult:
    """Every sheet of every file (zips opened one level deep), and the problems met on the way."""
    out = ReadResult([], [])
    members = 0
    for name, data in files:
        for member_name, member_data, problem in expand(name, data, limits):
            members += 1
            if problem is not None:
                out.problems.append(problem)
                continue
            if members > limits.max_files:
                out.problems.append(Problem("too_many_files", "error", name, {"limit": limits.max_files}))
                return out
            try:
                out.sheets.extend(_read_file(member_name, member_data, limits, out.problems))
            except UploadProblem as exc:
                if exc.key == "too_many_rows":  # one file over the limit: the upload is, as below
                    out.problems.append(Problem("too_many_rows", "error", "", exc.values))
                    out.sheets = []
                    return out
                out.problems.append(Problem(exc.key, "error", member_name, exc.values))
            except Exception as exc:  # a reader bug must become a message, never a traceback  # noqa: BLE001
                out.problems.append(Problem("unreadable_file", "error", member_name, {"detail": f"{type(exc).__name__}: {exc}"[:200]}))
    total = sum(s.rows_read for s in out.sheets)
    if total > limits.max_rows:
        out.problems.append(Problem("too_many_rows", "error", "", {"rows": total, "limit": limits.max_rows}))
        out.sheets = []
    return out


def _read_file(name: str, data: bytes, limits: Limits, problems: list[Problem]) -> list[RawSheet]:
    if not data or data.isspace():  # (data.strip() would copy the whole file to find out)
        raise UploadProblem("empty_file")
    ext = PurePosixPath(name.split(" › ")[-1]).suffix.lower()
    kind = sniff_kind(data)
    expected = "text" if ext in TEXT_EXTENSIONS else ("xls" if ext == ".xls" else ext.lstrip("."))
    if ext not in TEXT_EXTENSIONS | BOOK_EXTENSIONS:
        raise UploadProblem("unsupported_type", ext=ext or "?", accepted=", ".join(ACCEPTED))
    if kind == "binary":
        raise UploadProblem("not_a_spreadsheet", ext=ext)
    if kind == "damaged":  # a zip container (xlsx, ods, zip) cut short or broken
        raise UploadProblem("corrupt_workbook" if ext in BOOK_EXTENSIONS else "corrupt_zip", detail="zip container")
    office = {"xls", "xlsx", "xlsm"}  # an encrypted .xlsx is an OLE2 file like .xls: not a misnamed file
    if kind != expected and not (expected in office and kind in office):
        problems.append(Problem("wrong_extension", "warning", name, {"ext": ext, "kind": kind}))
    if kind == "text":
        return [read_text(name, data, ext, limits, problems)]
    return read_workbook(name, data, kind, limits, problems)


