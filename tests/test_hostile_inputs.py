"""Hostile and huge inputs, and safe output.

Every input is either processed or rejected with an error naming the file, within the limits
the user sets (``max_chars``, a per-report ``timeout``); review pages show report text as
text; nothing derived from an input leaves the output directory or gets executed.
"""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluate.bench_memory import write_pdf, write_zip_bomb
from xxgk.batch import ReportTimeout, run_extract, time_limit
from xxgk.output import convert_output
from xxgk.pipeline import load_pipeline
from xxgk.reading import ReadError, read_path
from xxgk.review import report_page, safe_name, write_report_page

ROOT = Path(__file__).resolve().parents[1]
XXGK = ROOT / ".venv" / "bin" / "xxgk"
REPORT = "重庆市知识产权局2021年政府信息公开工作年度报告\n一、总体情况\n2021年，本局主动公开政府信息12条。\n"


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf8").splitlines()]


def extract(tmp_path: Path, inputs: list[Path], **options) -> list[dict]:
    out = tmp_path / "out.jsonl"
    run_extract([str(p) for p in inputs], out, rules_only=True, **options)
    return records(out)


# ---------------------------------------------------------------- limits: length, time


def test_max_chars_rejects_a_long_file_before_reading_it(tmp_path):
    path = tmp_path / "dump.txt"
    path.write_text(REPORT * 40_000, encoding="utf8")  # 2.6 MB
    with pytest.raises(ReadError, match="report too long") as err:
        read_path(path, max_chars=100_000)
    assert str(path) in str(err.value)
    (good := tmp_path / "good.txt").write_text(REPORT, encoding="utf8")
    by_id = {r["id"]: r for r in extract(tmp_path, [path, good], max_chars=100_000)}
    assert "too long" in by_id["dump"]["error"] and str(path) in by_id["dump"]["error"]
    assert "error" not in by_id["good"]


def test_the_command_line_rejects_a_long_file_and_goes_on(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "dump.txt").write_text(REPORT * 10_000, encoding="utf8")
    (tmp_path / "in" / "good.txt").write_text(REPORT, encoding="utf8")
    out = tmp_path / "out.jsonl"
    done = subprocess.run(
        [str(XXGK), "extract", str(tmp_path / "in"), "-o", str(out), "--rules-only", "--max-chars", "50000"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    by_id = {r["id"]: r for r in records(out)}
    assert "dump.txt" in by_id["dump"]["error"] and "too long" in by_id["dump"]["error"]
    assert by_id["good"]["year"] == 2021
    assert "dump.txt" in done.stderr


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the alarm in a finaliser
def test_a_report_over_the_time_limit_becomes_an_error_record(tmp_path):
    path = tmp_path / "slow.txt"
    path.write_text("一、总体情况\n" + "本年新收政府信息公开申请数量 3 件。\n" * 40_000, encoding="utf8")
    started = time.perf_counter()
    (record,) = extract(tmp_path, [path], timeout=0.2)
    assert time.perf_counter() - started < 30
    assert "time limit" in record["error"] and str(path) in record["error"]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the alarm in a finaliser
def test_the_time_limit_holds_even_when_the_alarm_lands_in_a_finaliser():
    """An exception raised in ``__del__`` is ignored by Python; the limit is enforced at the end."""

    class SlowFinaliser:
        def __del__(self):
            started = time.perf_counter()
            while time.perf_counter() - started < 0.3:
                pass

    with pytest.raises(ReportTimeout, match="slow.txt: over the time limit"), time_limit(0.1, "slow.txt"):
        item = SlowFinaliser()
        del item


# ---------------------------------------------------------------- hostile structure


@pytest.mark.parametrize(
    "opening",
    ["<div>", "<span>", "<table><tr><td>", "<ul><li>", "<b><i>"],
    ids=["divs", "spans", "tables", "lists", "inline"],
)
def test_deeply_nested_html_is_read_or_warned_about(tmp_path, opening):
    path = tmp_path / "deep.html"
    path.write_text(f"<html><body><p>{REPORT}</p>{opening * 3000}深处的文字</body></html>", encoding="utf8")
    started = time.perf_counter()
    document = read_path(path)
    assert time.perf_counter() - started < 30
    assert "总体情况" in document.text
    assert "深处的文字" in document.text or any("nested" in w for w in document.warnings)


def test_nested_layout_tables_are_read_in_linear_time(tmp_path):
    """Each level of nesting used to re-read every level inside it (2**depth cell walks)."""
    path = tmp_path / "layout.html"
    path.write_text("<table><tr><td>" * 60 + "规章" + "</td><td>3</td></tr></table>" * 60, encoding="utf8")
    started = time.perf_counter()
    document = read_path(path)
    assert time.perf_counter() - started < 20
    assert "规章" in document.text


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "long.pdf"
    return write_pdf(path, 2000)


def test_a_pdf_of_thousands_of_pages_stops_at_max_chars(long_pdf):
    started = time.perf_counter()
    with pytest.raises(ReadError, match="over max_chars=20,000 characters by page") as err:
        read_path(long_pdf, max_chars=20_000)
    assert str(long_pdf) in str(err.value)
    assert time.perf_counter() - started < 30


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the alarm in a finaliser
def test_a_pdf_of_thousands_of_pages_stops_at_the_time_limit(tmp_path, long_pdf):
    started = time.perf_counter()
    (record,) = extract(tmp_path, [long_pdf], timeout=1.0)
    assert "time limit" in record["error"] and str(long_pdf) in record["error"]
    assert time.perf_counter() - started < 30


def test_a_docx_zip_bomb_is_refused_before_decompression(tmp_path):
    path = write_zip_bomb(tmp_path / "bomb.docx", 64)  # 64 MB of spaces, about 64 KB compressed
    assert path.stat().st_size < 2**20
    with pytest.raises(ReadError, match="zip bomb") as err:
        read_path(path)
    assert str(path) in str(err.value)


def test_a_docx_that_is_not_a_zip_names_the_file(tmp_path):
    path = tmp_path / "fake.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ReadError, match="not a valid DOCX") as err:
        read_path(path)
    assert str(path) in str(err.value)


def test_a_directory_is_rejected_and_a_tree_with_odd_entries_is_processed(tmp_path):
    odd = tmp_path / "in" / "report.txt"
    odd.mkdir(parents=True)  # a directory with a report's name
    (tmp_path / "in" / "good.txt").write_text(REPORT, encoding="utf8")
    os.symlink(tmp_path / "missing.txt", tmp_path / "in" / "dangling.txt")
    with pytest.raises(ReadError, match="is a directory") as err:
        read_path(odd)
    assert str(odd) in str(err.value)
    by_id = {r["id"]: r for r in extract(tmp_path, [tmp_path / "in"])}
    assert "error" not in by_id["good"]
    assert all("error" in r for key, r in by_id.items() if key != "good")


def test_an_unreadable_file_is_an_error_record_naming_it(tmp_path, monkeypatch):
    path = tmp_path / "locked.txt"
    path.write_text(REPORT, encoding="utf8")
    path.chmod(0)
    if os.geteuid() == 0:  # root reads anything: the file is simply processed
        (record,) = extract(tmp_path, [path])
        assert record["year"] == 2021
        original = Path.read_bytes

        def denied(self):
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return original(self)

        monkeypatch.setattr(Path, "read_bytes", denied)
    (good := tmp_path / "good.txt").write_text(REPORT, encoding="utf8")
    by_id = {r["id"]: r for r in extract(tmp_path, [path, good])}
    assert "Permission denied" in by_id["locked"]["error"] and str(path) in by_id["locked"]["error"]
    assert "error" not in by_id["good"]


# ---------------------------------------------------------------- safe output


HOSTILE = (
    "<script>alert('x')</script>重庆市知识产权局2021年政府信息公开工作年度报告\n"
    '一、总体情况\n<img src=x onerror="alert(1)">本局主动公开政府信息12条。\n'
    '<a href="javascript:alert(2)" onclick=alert(3)>链接</a></p></div></body><body onload=alert(4)>\n'
)


def check_page_is_inert(path: Path, report_text: str) -> None:
    page = lxml.html.fromstring(path.read_bytes())
    assert page.xpath("//script") == []
    for element in page.iter():
        if isinstance(element.tag, str):
            assert not [name for name in element.attrib if name.lower().startswith("on")], element.attrib
            assert not element.get("href", "").lower().startswith("javascript"), element.attrib
    if "<script>" in page.text_content():  # shown as text, and only because the report has it
        assert "<script>" in report_text


def test_review_pages_show_report_markup_as_text(tmp_path):
    report = tmp_path / "in" / "hostile.txt"
    report.parent.mkdir()
    report.write_text(HOSTILE, encoding="utf8")
    html_dir = tmp_path / "html"
    (record,) = extract(tmp_path, [report], html_dir=html_dir)
    assert "error" not in record and record["entities"]
    pages = sorted(html_dir.glob("*.html"))
    assert {p.name for p in pages} == {"hostile.html", "index.html"}
    for page in pages:
        check_page_is_inert(page, HOSTILE)
    assert "onerror" in lxml.html.fromstring((html_dir / "hostile.html").read_bytes()).text_content()


def test_hostile_ids_and_errors_stay_inside_the_output_directory(tmp_path):
    rows = tmp_path / "rows.jsonl"
    ids = ["../../etc/x", "/etc/passwd", "..", ".", "", "a/../../b", "C:\\Windows\\x", "<script>", "\x00"]
    rows.write_text("".join(json.dumps({"id": i, "text": HOSTILE}) + "\n" for i in ids), encoding="utf8")
    html_dir = tmp_path / "site" / "html"
    got = extract(tmp_path, [rows], html_dir=html_dir)
    assert len(got) == len(ids)
    written = {p.resolve() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert all(p.parent == html_dir.resolve() for p in written)
    assert not (tmp_path / "etc").exists()
    for page in html_dir.glob("*.html"):
        check_page_is_inert(page, HOSTILE)


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=300)
    | st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=60, max_size=300)
)
def test_a_safe_name_never_leaves_the_directory(uid):
    name = safe_name(uid)
    assert name.endswith(".html") and "/" not in name and "\\" not in name and "\x00" not in name
    assert name not in {".html", "..html"} and not name.startswith(".")
    assert len(name.encode("utf8")) <= 255


def test_an_error_record_page_escapes_the_error_text(tmp_path):
    record = {
        "id": "<b>x</b>",
        "source": "<script>alert(1)</script>",
        "error": "<img src=x onerror=alert(1)>",
    }
    path = write_report_page(record, "", tmp_path)
    check_page_is_inert(path, "")
    assert "<img" in lxml.html.fromstring(report_page(record)).text_content()


def unsafe_calls(source: Path) -> list[str]:
    """Calls of eval/exec/compile, pickle/marshal/shelve/yaml/torch/joblib loads, or a shell."""
    forbidden_calls = {"eval", "exec", "compile", "__import__"}
    forbidden_attrs = {
        ("pickle", "load"),
        ("pickle", "loads"),
        ("marshal", "load"),
        ("marshal", "loads"),
        ("shelve", "open"),
        ("yaml", "load"),
        ("os", "system"),
        ("os", "popen"),
        ("torch", "load"),
        ("joblib", "load"),
        ("dill", "load"),
    }
    found = []
    for node in ast.walk(ast.parse(source.read_text(encoding="utf8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in forbidden_calls:
            found.append(f"{source.name}:{node.lineno} {func.id}")
        named = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
        if named and (func.value.id, func.attr) in forbidden_attrs:
            found.append(f"{source.name}:{node.lineno} {func.value.id}.{func.attr}")
        if any(k.arg == "shell" and getattr(k.value, "value", False) for k in node.keywords):
            found.append(f"{source.name}:{node.lineno} shell=True")
    return found


@pytest.mark.parametrize("module", sorted(p.name for p in (ROOT / "xxgk").rglob("*.py")))
def test_nothing_from_input_is_unpickled_or_executed(module):
    assert unsafe_calls(ROOT / "xxgk" / module) == []


def test_pipelines_load_only_from_a_directory_the_user_names(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        load_pipeline(tmp_path)
    monkeypatch.setenv("XXGK_PIPELINE", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="nowhere"):
        load_pipeline()
    with pytest.raises(FileNotFoundError):
        load_pipeline("zh_core_web_sm")  # a package name is not a path: never imported or downloaded


# ---------------------------------------------------------------- durable conversion


def test_an_interrupted_conversion_leaves_no_file_behind(tmp_path, monkeypatch):
    import xxgk.output

    jsonl = tmp_path / "out.jsonl"
    jsonl.write_text("".join(json.dumps({"id": str(i), "source": "s", "chars": 1}) + "\n" for i in range(50)))
    out = tmp_path / "out.parquet"
    convert_output(jsonl, out, "parquet")
    before = out.read_bytes()

    def broken(records, path, batch=1000):
        path.write_bytes(b"PAR1 half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(xxgk.output, "write_parquet", broken)
    with pytest.raises(KeyboardInterrupt):
        convert_output(jsonl, out, "parquet")
    assert out.read_bytes() == before  # the previous complete file, untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "out.parquet"]


def test_a_killed_conversion_never_leaves_a_broken_parquet(tmp_path):
    """SIGKILL while Parquet is written: the final name holds nothing or a complete file."""
    import pyarrow.parquet as pq

    jsonl = tmp_path / "out.jsonl"
    text = json.dumps({"id": "x", "source": "s", "chars": 1, "warnings": ["w" * 1000]}) + "\n"
    jsonl.write_text(text * 50_000)
    out = tmp_path / "out.parquet"
    code = (
        f"from pathlib import Path; from xxgk.output import convert_output; "
        f"convert_output(Path({str(jsonl)!r}), Path({str(out)!r}), 'parquet')"
    )
    child = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    deadline = time.time() + 60
    tmp = tmp_path / ".out.parquet.tmp"
    while not tmp.exists() and child.poll() is None and time.time() < deadline:
        time.sleep(0.01)
    child.kill()
    assert child.wait() == -signal.SIGKILL, "the conversion ended before it could be killed"
    assert not out.exists() or pq.read_metadata(out).num_rows == 50_000


def test_ids_that_clean_to_the_same_name_get_their_own_pages():
    names = {safe_name(uid) for uid in ["a/b", "a_b", "a:b", "a b", "index", "Index", "../a_b"]}
    assert len(names) == 7 and "index.html" not in names
    assert safe_name("seed-chongqing-ipo-2021") == "seed-chongqing-ipo-2021.html"
    assert safe_name("重庆市2021年报") == "重庆市2021年报.html"
