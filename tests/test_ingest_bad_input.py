"""The bad-input catalogue: one test each. Every case gives a clear message (a catalogue text) and
loses no row: rows read = rows loaded + rows rejected, and every rejected row has its reason."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import crm_fixtures as cf
import xlsxwriter

from salesdash import i18n, ingest
from salesdash.ingest.limits import MB, Limits

HEADER = ["Deal ID", "Deal Name", "Amount", "Stage", "Created Date", "Close Date"]


def rows(n: int = 5) -> list[list[object]]:
    """n deals: D1..Dn, amount 100·i, stage Won for odd i, Qualification for even i."""
    return [[f"D{i}", f"Deal {i}", 100 * i, "Won" if i % 2 else "Qualification", f"2025-01-{i:02d}", f"2025-03-{i:02d}"]
            for i in range(1, n + 1)]


def analyse(*files: tuple[str, bytes], limits: Limits | None = None) -> ingest.Result:
    return ingest.analyse(list(files), limits=limits, options=ingest.Options(today=date(2025, 11, 25)))


def keys(result: ingest.Result) -> set[str]:
    return {p.key for p in result.report.problems}


def assert_clear_and_whole(result: ingest.Result) -> None:
    """Every message and reason has its text; every row read is loaded or rejected."""
    for p in result.report.problems:
        assert i18n.t(f"upload.msg.{p.key}", "en", **p.values)
        assert i18n.t(f"upload.msg.{p.key}", "zh", **p.values)
    for issue in set(result.report.issues["issue"]):
        assert i18n.has(f"upload.issue.{issue}")
    assert result.report.summary()["balanced"].all()


def csv_bytes(table: list[list[object]], encoding: str = "utf-8") -> bytes:
    return cf.to_csv(table, encoding=encoding)


def xlsx_bytes(table: list[list[object]], title: str | None = None) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Deals")
    start = 0
    if title:
        sheet.merge_range(0, 0, 1, len(table[0]) - 1, title, book.add_format({"bold": True, "align": "center"}))
        start = 3
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            sheet.write(start + r, c, value)
    book.close()
    return buffer.getvalue()


def test_empty_file():
    result = analyse(("empty.csv", b""))
    assert keys(result) == {"empty_file"}
    assert not result.report.loaded_anything
    assert_clear_and_whole(result)


def test_header_only():
    result = analyse(("header.csv", csv_bytes([HEADER])))
    assert "header_only" in keys(result)
    assert result.report.summary()["rows_read"].tolist() == [0]
    assert not result.report.loaded_anything
    assert_clear_and_whole(result)


def test_binary_junk_named_xlsx():
    result = analyse(("junk.xlsx", bytes(range(256)) * 40))
    assert keys(result) == {"not_a_spreadsheet"}
    assert result.sheets == []
    assert_clear_and_whole(result)


def test_password_protected_workbook():
    # an encrypted Office file is an OLE2 container holding an "EncryptedPackage" stream
    fake = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 3000
    result = analyse(("secret.xlsx", fake))
    assert keys(result) == {"password_protected"}
    assert_clear_and_whole(result)


def test_corrupt_workbook():
    good = xlsx_bytes([HEADER, *rows()])
    result = analyse(("cut.xlsx", good[: len(good) // 2]))
    assert keys(result) == {"corrupt_workbook"}
    assert_clear_and_whole(result)


def test_two_thousand_columns():
    wide_header = HEADER + [f"Extra {i}" for i in range(1994)]
    wide_rows = [r + ["x"] * 1994 for r in rows()]
    result = analyse(("wide.csv", csv_bytes([wide_header, *wide_rows])))
    assert "too_many_columns" in keys(result)
    assert result.row_counts()["deals"] == 5  # every row kept; only the recognised columns used
    assert_clear_and_whole(result)


def test_merged_cell_title_block():
    result = analyse(("titled.xlsx", xlsx_bytes([HEADER, *rows()], title="Pipeline report — Q1 2025")))
    assert result.sheets[0].title_rows == 3
    assert result.row_counts()["deals"] == 5
    assert result.mappings[0].fields()["amount"] == "Amount"
    assert_clear_and_whole(result)


def test_mixed_types_in_a_column():
    # Amount holds a number, a text number, a currency text and a real date cell; Created Date mixes text and numbers
    table = [HEADER, ["D1", "a", 100, "Won", "2025-01-01", "2025-03-01"], ["D2", "b", "200", "Won", 45659, "2025-03-02"],
             ["D3", "c", "$300.00", "Won", "2025-01-03", "2025-03-03"], ["D4", "d", "2025-01-01", "Won", "2025-01-04", "2025-03-04"]]
    result = analyse(("mixed.xlsx", xlsx_bytes(table)))
    deals = result.tables["deals"].set_index("deal_id")
    assert deals.loc["D1", "amount"] == 100 and deals.loc["D2", "amount"] == 200 and deals.loc["D3", "amount"] == 300
    assert deals.loc["D2", "created_on"].date() == date(2025, 1, 2)  # Excel serial 45659 = 2025-01-02
    assert result.report.warning_counts().set_index("issue").loc["unreadable_amount", "rows"] == 1  # D4's date
    assert len(deals) == 4
    assert_clear_and_whole(result)


def test_text_in_the_amount_column():
    table = [HEADER, *rows(3), ["D4", "Deal 4", "TBD", "Won", "2025-01-04", "2025-03-04"], ["D5", "Deal 5", "ask Ann", "Won", "2025-01-05", "2025-03-05"]]
    result = analyse(("text-amount.csv", csv_bytes(table)))
    assert result.row_counts()["deals"] == 5  # loaded, amount blank
    issues = result.report.issues
    flagged = issues[issues["issue"] == "unreadable_amount"]
    assert flagged["value"].tolist() == ["TBD", "ask Ann"] and flagged["row"].tolist() == [5, 6]
    assert_clear_and_whole(result)


def test_impossible_dates():
    table = [HEADER, *rows(2), ["D3", "c", 300, "Won", "2025-02-30", "2025-03-03"], ["D4", "d", 400, "Won", "2025-01-04", "2025-13-45"]]
    result = analyse(("dates.csv", csv_bytes(table)))
    assert result.row_counts()["deals"] == 4
    issues = result.report.issues
    assert sorted(issues.loc[issues["issue"] == "unreadable_date", "value"]) == ["2025-02-30", "2025-13-45"]
    assert_clear_and_whole(result)


def test_duplicate_ids():
    d1 = rows(1)[0]
    changed = ["D1", "Deal 1 again", 999, "Won", "2025-01-01", "2025-03-01"]
    result = analyse(("dupes.csv", csv_bytes([HEADER, *rows(3), d1, changed])))
    summary = result.report.summary().iloc[0]
    # 5 rows read: the exact repeat of D1 is rejected; the D1 with other values is loaded as "D1 (2)" and flagged
    assert (summary["rows_read"], summary["rows_loaded"], summary["rows_rejected"]) == (5, 4, 1)
    assert sorted(result.tables["deals"]["deal_id"]) == ["D1", "D1 (2)", "D2", "D3"]
    assert set(result.report.rejected()["issue"]) == {"duplicate_row"}
    assert result.report.warning_counts().set_index("issue").loc["duplicate_id", "rows"] == 2
    assert_clear_and_whole(result)


def test_csv_with_a_broken_quote():
    text = ("Deal ID,Deal Name,Amount,Stage\n"
            "D1,Alpha,100,Won\n"
            'D2,"Beta, unfinished,200,Won\n'
            "D3,Gamma,300,Won\n"
            "D4,Delta,400,Qualification\n")
    result = analyse(("broken.csv", text.encode()))
    summary = result.report.summary().iloc[0]
    assert (summary["rows_read"], summary["rows_loaded"], summary["rows_rejected"]) == (4, 3, 1)
    rejected = result.report.rejected()
    assert rejected["issue"].tolist() == ["broken_quote"] and rejected["row"].tolist() == [3]
    assert sorted(result.tables["deals"]["deal_id"]) == ["D1", "D3", "D4"]
    assert_clear_and_whole(result)


def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def test_zip_with_a_nested_zip():
    inner = zip_of({"deep.csv": csv_bytes([HEADER, *rows()])})
    result = analyse(("bundle.zip", zip_of({"deals.csv": csv_bytes([HEADER, *rows()]), "more.zip": inner})))
    assert "zip_nested" in keys(result)
    assert result.row_counts()["deals"] == 5  # the CSV beside it is read
    assert_clear_and_whole(result)


def test_zip_bomb():
    bomb = zip_of({"bomb.csv": b"0" * (50 * 1024 * 1024)})  # 50 MB of zeros packs to ~50 KB
    assert len(bomb) < 200_000
    result = analyse(("bomb.zip", bomb))
    assert keys(result) == {"zip_bomb"}
    assert result.sheets == []
    assert_clear_and_whole(result)


def test_zip_member_over_the_file_limit_says_so():
    """A member that unpacks past the per-file limit is refused for its size (not called a zip bomb
    when it packs like any export); the file beside it is read."""
    import random

    rng = random.Random(5)
    big = csv_bytes([HEADER, *[[f"D{i}", f"Deal {rng.random()}", rng.randrange(10**6), "Won", "2025-01-02", "2025-03-04"]
                               for i in range(30_000)]])  # ~1.7 MB, packs ~3:1
    bundle = zip_of({"big.csv": big, "deals.csv": csv_bytes([HEADER, *rows()])})
    assert len(big) > MB > len(bundle)
    result = analyse(("bundle.zip", bundle), limits=Limits(file_bytes=MB))
    assert [(p.key, p.source, p.values) for p in result.report.problems] == [("file_too_big", "bundle.zip › big.csv", {"mb": 1})]
    assert result.row_counts()["deals"] == 5
    assert_clear_and_whole(result)


def test_csv_named_xlsx_is_read_with_a_warning():
    result = analyse(("really-a.xlsx", csv_bytes([HEADER, *rows()])))
    assert "wrong_extension" in keys(result)
    assert result.row_counts()["deals"] == 5
    assert_clear_and_whole(result)


def test_formula_text_is_kept_as_text_and_flagged():
    table = [HEADER, *rows(2), ["D3", "=HYPERLINK(\"http://x\")", 300, "Won", "2025-01-03", "2025-03-03"]]
    result = analyse(("formula.csv", csv_bytes(table)))
    assert result.tables["deals"].set_index("deal_id").loc["D3", "name"].startswith("=HYPERLINK")
    assert result.report.warning_counts().set_index("issue").loc["formula_text", "rows"] == 1
    assert_clear_and_whole(result)


def test_row_limit():
    result = analyse(("many.csv", csv_bytes([HEADER, *rows(20)])), limits=Limits(max_rows=10))
    assert "too_many_rows" in keys(result)
    assert not result.report.loaded_anything
    assert_clear_and_whole(result)


def test_survey_scores_out_of_range_are_rejected():
    table = [["Response ID", "Customer", "Submitted On", "NPS", "CSAT"],
             ["S1", "Acme", "2025-05-01", 9, 5], ["S2", "Acme", "2025-05-02", 11, 4], ["S3", "Bolt", "2025-05-03", 7, 0],
             ["S4", "Bolt", "2025-05-04", "", ""]]
    result = analyse(("survey.csv", csv_bytes(table)), ("deals.csv", csv_bytes([HEADER, *rows()])))
    surveys = result.report.summary().set_index("table").loc["surveys"]
    assert (surveys["rows_read"], surveys["rows_loaded"], surveys["rows_rejected"]) == (4, 1, 3)
    # the satisfaction area's rules decide (salesdash.survey_sheet.validate_survey_rows) and say why
    rejected = result.report.rejected()
    assert set(rejected["issue"]) == {"survey_rule"}
    assert sorted(rejected["value"]) == ["csat 0 is outside 1–5", "no score at all (nps, csat, product_quality, service_attitude, response_speed are all empty)",
                                         "nps 11 is outside 0–10"]
    assert_clear_and_whole(result)


def test_encodings_and_delimiters():
    zh = [["商机名称", "金额", "销售阶段"], ["华为项目", "12万", "赢单"], ["腾讯项目", "1.2亿", "输单"]]
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        result = analyse((f"zh-{encoding}.csv", cf.to_csv(zh, encoding=encoding)))
        assert result.tables["deals"]["amount"].tolist() == [120_000, 120_000_000], encoding
    big5 = cf.to_csv([["Deal Name", "Amount", "Stage"], ["華為雲端專案", "100", "Won"]], encoding="big5")
    assert analyse(("big5.csv", big5)).tables["deals"]["name"].tolist() == ["華為雲端專案"]
    latin = cf.to_csv([["Deal Name", "Amount", "Stage"], ["Société Générale", "1.234,50 €", "Won"]], encoding="cp1252", delimiter=";")
    result = analyse(("fr.csv", latin))
    assert result.tables["deals"]["name"].tolist() == ["Société Générale"]
    assert result.tables["deals"]["amount"].tolist() == [1234.5]
    tsv = b"Deal Name\tAmount\tStage\nA\t1,000\tWon\n"
    assert analyse(("a.tsv", tsv)).tables["deals"]["amount"].tolist() == [1000]
    piped = b"Deal Name|Amount|Stage\nA|2,000|Won\n"
    assert analyse(("a.txt", piped)).tables["deals"]["amount"].tolist() == [2000]


def test_damaged_files_never_raise_and_always_balance():
    """Mutated exports (flipped bytes, cut files, stray quotes and line ends): a message, never an
    exception, and rows read = loaded + rejected every time."""
    import random

    rng = random.Random(3)
    bases = [*cf.as_files(cf.hubspot(), "xlsx"), *cf.as_files(cf.chinese(), "csv"), *cf.as_files(cf.salesforce_report(), "csv")]
    for _ in range(60):
        name, original = rng.choice(bases)
        data = bytearray(original)
        op = rng.randrange(3)
        if op == 0:
            for _ in range(rng.randrange(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif op == 1:
            data = data[: rng.randrange(len(data))]
        else:
            pos = rng.randrange(len(data))
            data[pos:pos] = b"".join(rng.choice([b'"', b",", b"\n", b"\r", b"\x00", b";"]) for _ in range(5))
        result = analyse((name, bytes(data)))
        assert result.report.summary()["balanced"].all()
        if result.report.loaded_anything:
            ingest.to_database(result).close()


def test_a_text_file_over_the_row_limit_is_refused_before_it_is_parsed_whole():
    """Counted a block at a time (a 200 MB file of short lines would be tens of millions of rows):
    the same message, nothing loaded, also beside a file that fits. Line breaks inside quoted values
    make more lines than rows: such a file within the limit loads."""
    many = csv_bytes([HEADER, *rows(20)])
    result = analyse(("small.csv", csv_bytes([HEADER, *rows(3)])), ("many.csv", many), limits=Limits(max_rows=10))
    assert [(p.key, p.values) for p in result.report.problems] == [("too_many_rows", {"rows": 20, "limit": 10})]
    assert not result.report.loaded_anything and result.report.sheets == []
    assert_clear_and_whole(result)
    notes = [[f"D{i}", f"Deal {i}\nsecond line\nthird line", 100, "Won", "2025-01-05", "2025-03-05"] for i in range(1, 9)]
    result = analyse(("notes.csv", csv_bytes([HEADER, *notes])), limits=Limits(max_rows=10))  # 24 lines, 8 rows
    assert "too_many_rows" not in keys(result) and result.row_counts()["deals"] == 8
    assert_clear_and_whole(result)
