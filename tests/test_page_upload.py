"""The Upload page through AppTest: files go in through the page's own file uploader, the Overview
then shows the upload's numbers, and removing the upload brings the company data back."""

from __future__ import annotations

from pathlib import Path

import crm_fixtures as cf
import pytest
from pagetest import ROOT, metric_values, run_app
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.page

MAVEN = Path(__file__).parent / "data" / "maven_crm"
Q2 = {"from": "2025-04-01", "to": "2025-06-30"}


@pytest.fixture(autouse=True)
def tiny_company(tiny_path, monkeypatch):
    monkeypatch.setenv("SALESDASH_DB", str(tiny_path))


def maven_files() -> list[tuple[str, bytes, str]]:
    return [(p.name, p.read_bytes(), "text/csv") for p in sorted(MAVEN.glob("*.csv"))]


def upload(files, query=None):
    at = run_app(page="pages/upload.py", query=query)
    assert not at.exception
    at.file_uploader(key="upload_files").set_value(files).run()
    assert not at.exception
    return at


def test_page_without_files_says_what_to_do():
    at = run_app(page="pages/upload.py")
    assert not at.exception
    assert any("No upload yet" in i.value for i in at.info)
    assert at.file_uploader(key="upload_files").accept_multiple_files


def test_maven_upload_changes_the_overview_numbers():
    at = run_app(query=Q2)
    assert metric_values(at)["Deals won"] == "3"  # the tiny company: D1, D2, D8 in Q2
    at = upload(maven_files(), query=Q2)
    assert any("Loaded 8,800 deals" in s.value for s in at.success)
    assert at.sidebar.radio(key="dataset_choice").value == "upload"
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    values = metric_values(at)
    # the date filter now spans the whole upload (2016-10-20 .. 2017-12-31)
    assert values["Deals won"] == "4,238"
    assert values["Open deals"] == "2,089"
    assert values["Won value"] == "10.0M"
    assert values["Win rate"].startswith("63.2%")  # 4,238 / (4,238 + 2,473)
    notes = [i.value for i in at.info]
    assert any("no quotas" in n for n in notes) and any("no survey" in n for n in notes)


def test_summary_shows_read_loaded_rejected():
    at = upload(maven_files())
    table = at.dataframe[0].value
    assert list(table["Rows read"]) == [85, 7, 8800, 35]
    assert list(table["Loaded"]) == [85, 7, 8800, 35]
    assert set(table["Read = loaded + rejected"]) == {"✓"}


def test_switch_back_and_remove():
    company = metric_values(run_app())["Deals won"]  # the company's own default view (this quarter)
    at = upload(maven_files())
    at.switch_page("pages/overview.py").run()
    at.sidebar.radio(key="dataset_choice").set_value("company").run()
    assert not at.exception
    assert metric_values(at)["Deals won"] == company
    at.sidebar.radio(key="dataset_choice").set_value("upload").run()
    assert metric_values(at)["Deals won"] == "4,238"
    at.sidebar.button(key="upload_remove").click().run()
    assert not at.exception
    assert len(at.sidebar.radio) == 1  # only the language picker: no upload to choose
    assert metric_values(at)["Deals won"] == company


def test_bad_file_gets_a_message_not_a_traceback():
    at = upload([("junk.xlsx", bytes(range(256)) * 20, "application/octet-stream")])
    assert any("not a spreadsheet" in e.value for e in at.error)
    assert any("Nothing could be loaded" in e.value for e in at.error)


def test_crm_export_with_chinese_headers():
    files = [(n, d, "text/csv") for n, d in cf.as_files(cf.chinese(), "csv")]
    at = upload(files)
    assert any("Loaded 24 deals from 1 sheet" in s.value for s in at.success)
    at.switch_page("pages/overview.py").run()
    assert metric_values(at)["Deals won"] == "8"


def test_page_in_chinese():
    # AppTest formats the sidebar's selectbox options outside the session (in English), so a zh run of
    # app.py cannot switch pages; the page file is run alone with the language in session state
    at = AppTest.from_file(str(ROOT / "pages" / "upload.py"), default_timeout=60)
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    assert at.title[0].value == "上传 CRM 导出文件"


def test_correcting_the_mapping_on_the_page():
    files = [(n, d, "text/csv") for n, d in cf.as_files(cf.hubspot(), "csv")]
    at = upload(files)
    at.selectbox(key="map_table_0").set_value("").run()  # "this sheet holds nothing usable"
    at.button(key="upload_apply").click().run()
    assert not at.exception
    assert any("Nothing could be loaded" in e.value for e in at.error)


def test_another_session_does_not_see_the_upload():
    company = metric_values(run_app())["Deals won"]
    uploader = upload(maven_files())
    uploader.switch_page("pages/overview.py").run()
    assert metric_values(uploader)["Deals won"] == "4,238"
    other = run_app()  # a second browser session of the same server process (shared caches)
    assert metric_values(other)["Deals won"] == company
    assert len(other.sidebar.radio) == 1  # no dataset picker: it has no upload of its own


def test_upload_without_dates_says_what_cannot_be_shown():
    rows = [["Deal", "Value", "Stage"], ["A", "100", "Won"], ["B", "200", "Lost"], ["C", "300", "Proposal"]]
    at = upload([("no-dates.csv", cf.to_csv(rows), "text/csv")])
    assert any("No created-date column" in w.value for w in at.warning)
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    notes = " ".join(i.value for i in at.info)
    assert "no creation dates" in notes and "no close dates" in notes
    assert metric_values(at)["Open deals"] == "1"  # C; A and B are closed even without a date


def test_an_option_change_keeps_the_corrections():
    files = [(n, d, "text/csv") for n, d in cf.as_files(cf.hubspot(), "csv")]
    at = upload(files)
    at.selectbox(key="map_table_0").set_value("").run()
    at.button(key="upload_apply").click().run()
    at.toggle(key="upload_estimate").set_value(False).run()  # re-reads the files with the option changed
    assert not at.exception
    assert any("Nothing could be loaded" in e.value for e in at.error)  # the sheet is still "not used"


@pytest.mark.parametrize(
    "page", ["pages/funnel.py", "pages/bottlenecks.py", "pages/reps.py", "pages/forecast.py", "pages/satisfaction.py", "pages/weekly.py"]
)
def test_every_page_works_on_the_maven_upload(page):
    at = upload(maven_files())
    at.switch_page(page).run()
    assert not at.exception, at.exception
    # partial data is said plainly (no surveys, no history…), never a traceback
    assert len(at.info) + len(at.warning) + len(at.caption) > 0


def test_the_page_analyses_the_kept_bytes_not_a_copy(monkeypatch):
    """st.file_uploader returns a deep copy of every file on every run; the copy shares the bytes
    Streamlit keeps for the session (a 112 MB CSV would otherwise be held twice), also when a
    correction re-reads the files on a later run."""
    from salesdash import ingest

    seen: list[bytes] = []
    analyse = ingest.analyse

    def spy(files, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        seen.extend(data for _, data in files)
        return analyse(files, *args, **kwargs)

    monkeypatch.setattr(ingest, "analyse", spy)
    (name, data), = cf.as_files(cf.hubspot(), "csv")
    at = upload([(name, data, "text/csv")])
    assert any("Loaded" in s.value for s in at.success)
    at.button(key="upload_apply").click().run()  # a correction: the files are read again
    assert not at.exception
    assert len(seen) == 2 and all(s is data for s in seen)


def test_a_copied_upload_shares_its_bytes_but_nothing_else():
    import copy

    from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec

    import salesdash.ui.upload  # noqa: F401 - teaches UploadedFile to share its bytes when deep-copied

    data = b"Deal ID,Amount\nD1,100\n"
    kept = UploadedFile(UploadedFileRec("id-1", "deals.csv", "text/csv", data), None)  # type: ignore[arg-type]
    kept.read(4)
    clone = copy.deepcopy([kept])[0]
    assert clone is not kept and clone.getvalue() is data  # the same bytes, not a copy
    assert (clone.name, clone.file_id, clone.size, clone.tell()) == ("deals.csv", "id-1", len(data), 4)
    clone.seek(0)
    clone.write(b"XXXX")  # a write changes the copy only
    assert kept.getvalue() == data and kept.tell() == 4 and clone.getvalue().startswith(b"XXXX")
    kept.close()
    assert copy.deepcopy(kept).closed


def test_files_beyond_the_limits_get_a_clear_message(monkeypatch):
    """A file over the size or row limit: the message says which limit and what to do, nothing is
    loaded and the company data stays. (The browser's uploader refuses a file over
    server.maxUploadSize before it is sent; the size check here guards what a zip unpacks to.)"""
    import salesdash.ui.upload as up
    from salesdash.ingest.limits import MB, Limits

    rows = [["Deal ID", "Amount", "Stage"], *[[f"D{i}", str(100 * i), "Won"] for i in range(1, 21)]]
    monkeypatch.setattr(up, "limits", lambda: Limits(max_rows=10))
    at = upload([("many.csv", cf.to_csv(rows), "text/csv")])
    errors = " ".join(e.value for e in at.error)
    assert "The upload has 20 rows; the limit is 10" in errors and "Nothing could be loaded" in errors
    assert len(at.sidebar.radio) == 1  # no upload to switch to: the company data stays
    monkeypatch.setattr(up, "limits", lambda: Limits(file_bytes=MB))
    big = cf.to_csv([rows[0], *[[f"D{i}", "100", "Won"] for i in range(100_000)]])  # ~1.5 MB
    at = upload([("big.csv", big, "text/csv")])
    errors = " ".join(e.value for e in at.error)
    assert "Larger than the 1 MB upload limit" in errors and "Nothing could be loaded" in errors
