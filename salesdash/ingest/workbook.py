"""Workbooks (xlsx, xlsm, xls, ods) read with python-calamine: every sheet, saved values only (a
formula is never evaluated), columns turned to text in bulk."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

import pandas as pd
import python_calamine

from salesdash.ingest.limits import Limits, Problem, UploadProblem
from salesdash.ingest.sheet import ROW, RawSheet, find_header, finish, unique_names

_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted Office file keeps its workbook in


def read_workbook(name: str, data: bytes, kind: str, limits: Limits, problems: list[Problem]) -> list[RawSheet]:
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError as exc:
        raise UploadProblem("password_protected") from exc
    except Exception as exc:  # calamine raises several error types for damaged files  # noqa: BLE001
        if (kind == "xls" and _ENCRYPTED in data) or "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise UploadProblem("password_protected") from exc
        raise UploadProblem("corrupt_workbook", detail=str(exc)[:200]) from exc
    sheets: list[RawSheet] = []
    for sheet_name in book.sheet_names:
        try:
            rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        except Exception as exc:  # noqa: BLE001
            problems.append(Problem("corrupt_sheet", "error", f"{name} › {sheet_name}", {"detail": str(exc)[:200]}))
            continue
        if not any(any(c not in (None, "") for c in r) for r in rows):
            problems.append(Problem("empty_sheet", "info", f"{name} › {sheet_name}"))
            continue
        sheet = _sheet_from_rows(name, sheet_name, rows, limits, problems)
        if sheet is not None:
            sheets.append(sheet)
    if not sheets and not any(p.severity == "error" for p in problems if p.source.startswith(name)):
        raise UploadProblem("empty_file")
    return sheets


def _sheet_from_rows(name: str, sheet_name: str, rows: Sequence[Sequence[object]], limits: Limits, problems: list[Problem]) -> RawSheet | None:
    source = f"{name} › {sheet_name}"
    head = [[cell_text(c) for c in r] for r in rows[: limits.header_scan_rows]]
    header_at = find_header(head)
    header = unique_names(head[header_at])
    width = len(header)
    if width > limits.max_columns:
        problems.append(Problem("too_many_columns", "warning", source, {"columns": width, "limit": limits.max_columns}))
    body = rows[header_at + 1 :]
    if body and all(len(r) >= width for r in body):  # calamine rows are rectangular: transpose in C
        transposed = list(zip(*body, strict=False))[:width]
    else:
        transposed = [tuple(r[j] if j < len(r) else None for r in body) for j in range(width)]
    columns = {h: column_text(list(transposed[j]) if body else []) for j, h in enumerate(header)}
    frame = pd.DataFrame(columns) if body else pd.DataFrame({h: pd.Series(dtype="str") for h in header})
    frame[ROW] = pd.Series(range(header_at + 2, header_at + 2 + len(body)), dtype="int64")
    sheet = RawSheet(name, sheet_name, frame, title_rows=header_at)
    return finish(sheet, problems)


def column_text(values: list[object]) -> pd.Series:
    """A column of calamine cells as text, vectorised for the usual all-text / all-number columns."""
    kinds = set(map(type, values))
    if kinds <= {str}:
        return pd.Series(values, dtype="str").str.strip()
    if kinds <= {float, int, str} and kinds & {float, int}:
        numbers = pd.Series([v if not isinstance(v, str) else None for v in values], dtype="float64")
        texts = pd.Series([v if isinstance(v, str) else "" for v in values], dtype="str").str.strip()
        whole = numbers.notna() & (numbers % 1 == 0) & (numbers.abs() < 1e15)
        if numbers.notna().sum() == whole.sum():
            as_text = numbers.astype("Int64").astype("str")
        else:
            as_text = numbers.map(lambda v: "" if v != v else cell_text(v)).astype("str")
        return as_text.where(numbers.notna(), texts).fillna("")
    return pd.Series([cell_text(v) for v in values], dtype="str")


def cell_text(value: object) -> str:
    """A calamine cell as text: 1054.0 -> '1054', dates ISO, booleans TRUE/FALSE, None -> ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value.total_seconds() / 86400)
    return str(value).strip()


