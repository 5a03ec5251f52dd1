"""Delimited text files (CSV / TSV / TXT): encoding and delimiter sniffed, UTF-8 handed to pyarrow
without a copy, and a line-by-line reader that costs a broken quote only its own line."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Sequence

import charset_normalizer
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from salesdash.ingest.limits import Limits, Problem, UploadProblem
from salesdash.ingest.sheet import _JUNK, REJECT_COLUMNS, ROW, RawSheet, find_header, finish, unique_names
from salesdash.ingest.sniff import utf16_without_bom

DELIMITERS = (",", ";", "\t", "|")


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) — BOM, UTF-16, UTF-8, then the likeliest of GB18030 / Big5 / cp1252."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    utf16 = utf16_without_bom(data[:4096])
    if utf16:
        return data.decode(utf16, errors="replace"), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:200_000]
    scored = [(score, enc) for enc in ("gb18030", "big5", "cp1252") if (score := _plausibility(sample, enc)) is not None]
    if scored:
        best = max(scored)[1]
        try:
            return data.decode(best), best
        except UnicodeDecodeError:
            pass
    guess = charset_normalizer.from_bytes(sample, cp_isolation=["gb18030", "big5", "cp1252"]).best()
    if guess is not None:
        try:
            return data.decode(guess.encoding), guess.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("latin-1"), "latin-1"


def _plausibility(sample: bytes, encoding: str) -> float | None:
    """How much a strict decoding reads like text: the share of its non-ASCII characters that are
    common ones (GB2312 level-1 hanzi, Big5 level-1 hanzi, Latin-1 letters). None if it does not decode."""
    try:
        text = sample.decode(encoding)
    except UnicodeDecodeError:
        try:  # the sample may end inside a character
            text = sample[:-4].decode(encoding)
        except UnicodeDecodeError:
            return None
    wide = [c for c in text if ord(c) > 127]
    if not wide:
        return 0.0
    common = 0
    for c in wide[:20_000]:
        if encoding == "cp1252":
            common += c.isalpha() and ord(c) < 0x250
            continue
        try:
            lead = c.encode("gb2312" if encoding == "gb18030" else "big5")[0]
        except UnicodeEncodeError:
            continue
        common += 0xB0 <= lead <= 0xD7 if encoding == "gb18030" else 0xA4 <= lead <= 0xC6
    share = common / min(len(wide), 20_000)
    return share + (0.01 if encoding == "gb18030" else 0.0)  # the likelier one on a tie


_LINE_END = re.compile(r"\r\n|\r|\n")
_LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")


def _rows_of(lines: Sequence[str], delim: str) -> list[list[str]]:
    """Each line parsed on its own; a line the csv module cannot parse (a NUL…) is split plainly."""
    out = []
    for line in lines:
        try:
            out.append(next(csv.reader([line], delimiter=delim), []))
        except csv.Error:
            out.append(line.replace("\x00", "").split(delim))
    return out


def sniff_delimiter(lines: Sequence[str], ext: str) -> str:
    """The delimiter giving the most rows with the same number (> 1) of fields."""
    best, best_score = "\t" if ext == ".tsv" else ",", -1.0
    for delim in DELIMITERS:
        counts = [len(r) for r in _rows_of(lines, delim)]
        if not counts:
            continue
        width = max(set(counts), key=counts.count)
        if width < 2:
            continue
        score = counts.count(width) * width + (0.5 if ext == ".tsv" and delim == "\t" else 0)
        if score > best_score:
            best, best_score = delim, score
    return best


def _utf8(data: bytes) -> str | None:
    """'utf-8' / 'utf-8-sig' when the whole file is valid UTF-8, else None.

    Checked by Arrow over the bytes as they are (one string spanning the file, never decoded):
    ~5 ms for 112 MB, where Python's decoder took ~140 ms.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or utf16_without_bom(data[:4096]):
        return None
    whole = pa.LargeStringArray.from_buffers(1, pa.py_buffer(np.array([0, len(data)], dtype=np.int64)), pa.py_buffer(data))
    try:
        whole.validate(full=True)
    except pa.ArrowInvalid:
        return None
    return "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"


def read_text(name: str, data: bytes, ext: str, limits: Limits, problems: list[Problem]) -> RawSheet:
    """A delimited text file. UTF-8 (the usual case) is handed to pyarrow as it is, without a copy;
    other encodings are decoded once and re-encoded as UTF-8."""
    encoding = _utf8(data)
    start = 0
    if encoding is None:
        text, encoding = decode(data)
        problems.append(Problem("encoding", "info", name, {"encoding": encoding}))
        data = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
        del text
    elif encoding == "utf-8-sig":
        start = len(codecs.BOM_UTF8)
    head = data[start : start + 200_000].decode("utf-8", errors="ignore")
    if "\r" in head and "\n" not in head:  # classic Mac line ends
        data, start = data[start:].replace(b"\r", b"\n"), 0
        head = data[:200_000].decode("utf-8", errors="ignore")
    head_lines = _LINE_END.split(head)[: limits.header_scan_rows + 20]  # line ends as pyarrow sees them
    delim = sniff_delimiter([ln for ln in head_lines if ln.strip()], ext)
    head_rows = _rows_of(head_lines[: limits.header_scan_rows], delim)
    header_at = find_header(head_rows)
    header = unique_names(head_rows[header_at] if header_at < len(head_rows) else [])
    if not any(header):
        raise UploadProblem("empty_file")
    if len(header) > limits.max_columns:
        problems.append(Problem("too_many_columns", "warning", name, {"columns": len(header), "limit": limits.max_columns}))
    offset = start
    ends = _LINE_END_BYTES.finditer(data, start)
    for _ in range(header_at + 1):  # the body starts after the header line
        found = next(ends, None)
        offset = len(data) if found is None else found.end()
    body = memoryview(data)[offset:]
    lines = data.count(b"\n", offset) + (not data.endswith(b"\n") and offset < len(data))
    if lines > limits.max_rows and _more_rows_than(body, len(header), delim, limits.max_rows):
        raise UploadProblem("too_many_rows", rows=lines, limit=limits.max_rows)
    frame, rejected = _parse_body(body, header, delim, first_row=header_at + 2)
    sheet = RawSheet(name, "", frame, title_rows=header_at)
    sheet.rejected = rejected
    return finish(sheet, problems)


def _parse_body(body: memoryview, header: list[str], delim: str, first_row: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fast path: pyarrow, all columns as text. Any malformed row -> the exact line-by-line reader.

    Text is read as large_string, what pandas' str dtype holds: the frame then wraps the parsed
    columns as they are (as string they were cast, a second set of offsets per column)."""
    bad: list[str] = []

    def on_bad(row: object) -> str:
        bad.append("x")
        return "skip"

    width = len(header)
    names = [f"c{i}" for i in range(width)]
    table = None
    if len(body):
        try:
            table = pacsv.read_csv(
                pa.BufferReader(pa.py_buffer(body)),
                read_options=pacsv.ReadOptions(column_names=names, block_size=16 << 20),
                parse_options=pacsv.ParseOptions(delimiter=delim, invalid_row_handler=on_bad, newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types={n: pa.large_string() for n in names}, strings_can_be_null=False, quoted_strings_can_be_null=False
                ),
            )
        except (pa.ArrowInvalid, ValueError):
            bad.append("x")
    if bad:
        text = bytes(body).decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
        return _parse_lines(text, header, delim, first_row)
    if table is None:
        frame = pd.DataFrame({c: pd.Series(dtype="str") for c in header})
    else:
        frame = table.rename_columns(header).to_pandas()
        frame = frame.astype({c: "str" for c in header if frame[c].dtype != "str"})
    frame[ROW] = _row_numbers(len(frame), first_row)
    return frame, pd.DataFrame(columns=REJECT_COLUMNS)


def _more_rows_than(body: memoryview, width: int, delim: str, limit: int) -> bool:
    """Whether the body holds more than `limit` records, counted a block at a time and given up as
    soon as it does: a file over the row limit is refused before it is parsed whole (200 MB of short
    lines would be tens of millions of rows: gigabytes once parsed). More lines than records happen
    with line breaks inside quoted values; a body pyarrow cannot read is judged by its lines."""
    names = [f"c{i}" for i in range(width)]
    rows = 0
    try:
        reader = pacsv.open_csv(
            pa.BufferReader(pa.py_buffer(body)),
            read_options=pacsv.ReadOptions(column_names=names, block_size=16 << 20),
            parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.large_string() for n in names}),
        )
        for batch in reader:
            rows += batch.num_rows
            if rows > limit:
                return True
    except (pa.ArrowInvalid, ValueError):
        return True
    return False


def _row_numbers(n: int, first_row: int) -> pd.Series:
    """Row numbers of the records: line numbers when no value spans lines (the common case)."""
    return pd.Series(range(first_row, first_row + n), dtype="int64")


def _parse_lines(body: str, header: list[str], delim: str, first_row: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Line by line, so a broken quote costs only its own line: each line is a record unless its
    quotes are open, then following lines join it (a value with a line break) up to 20 lines; a quote
    that never closes rejects the line where it opened and reading goes on after it."""
    width = len(header)
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    rows: list[list[str]] = []
    numbers: list[int] = []
    rejects: list[dict[str, object]] = []
    i = 0
    while i < len(lines):
        record, used = lines[i], 1
        while record.count('"') % 2 and used < 20 and i + used < len(lines):
            record += "\n" + lines[i + used]
            used += 1
        if record.count('"') % 2:
            rejects.append({"row": first_row + i, "reason": "broken_quote", "detail": "", "text": lines[i][:300]})
            i += 1
            continue
        fields = _rows_of([record], delim)[0]
        if len(fields) > width and any(f.strip() for f in fields[width:]):
            rejects.append(
                {"row": first_row + i, "reason": "field_count", "detail": f"{len(fields)}/{width}", "text": record[:300]}
            )
        elif fields and _JUNK.match(fields[0]) and not any(f.strip() for f in fields[1:]):
            rejects.append({"row": first_row + i, "reason": "report_footer", "detail": "", "text": record[:300]})
        else:
            rows.append((fields + [""] * width)[:width])
            numbers.append(first_row + i)
        i += used
    frame = pd.DataFrame(rows, columns=header, dtype="str") if rows else pd.DataFrame({c: pd.Series(dtype="str") for c in header})
    frame[ROW] = pd.Series(numbers, dtype="int64")
    return frame, pd.DataFrame(rejects, columns=REJECT_COLUMNS)


