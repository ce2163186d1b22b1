"""Batch extraction, as users run it: `xxgk extract` over files, record files and bad input."""

import json
from pathlib import Path

import pytest
from lxml import html as lxml_html
from typer.testing import CliRunner

import xxgk
from xxgk.batch import run_extract
from xxgk.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
CHONGQING = (SAMPLES / "seeds" / "seed-chongqing-ipo-2021.txt").read_text(encoding="utf-8")
HUBEI = (SAMPLES / "seeds" / "seed-hubei-ipo-2016.txt").read_text(encoding="utf-8")


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def sample_output(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("extract") / "samples.jsonl"
    summary = run_extract([str(SAMPLES)], out, rules_only=True, batch_size=4)
    assert summary.failed == 0
    return out


def test_every_sample_report_gives_one_record(sample_output):
    got = records(sample_output)
    sources = sorted(p for p in SAMPLES.rglob("*") if p.suffix in {".txt", ".html", ".docx"})
    assert len(got) == len(sources) == len({r["id"] for r in got})
    assert all("error" not in r for r in got)


def test_record_fields_follow_the_output_format(sample_output):
    seed = next(r for r in records(sample_output) if r["id"] == "seed-chongqing-ipo-2021")
    assert (seed["agency"], seed["year"], seed["format"], seed["script"]) == ("重庆市知识产权局", 2021, "2021",
                                                                          "traditional")
    assert seed["tables"]["applications"]["new_received"]["total"] == 1
    assert seed["tables"]["active"]["fees"]["amount_wan_yuan"] == 16.856
    assert all(check["ok"] for check in seed["checks"])
    assert [s["type"] for s in seed["sections"]] == ["overview", "active_disclosure", "applications",
                                                     "review_litigation", "problems_improvements", "other"]
    for span in seed["entities"] + seed["statements"]:
        assert CHONGQING[span["start"]:span["end"]] == span["text"]
    count = next(e for e in seed["entities"] if e["text"] == "537條")
    assert (count["value"], count["unit"], count["approx"]) == (537, "條", False)
    assert seed["pipeline"]["name"] == "xxgk_rules"


def test_html_and_docx_reports_are_extracted(sample_output):
    by_id = {r["id"]: r for r in records(sample_output)}
    page = by_id["chongqing-ipo-2021-page"]
    assert page["tables"] == by_id["seed-chongqing-ipo-2021"]["tables"]
    word = by_id["hubei-ipo-2016-word"]
    assert (word["agency"], word["year"]) == ("湖北省知识产权局", 2016)


def test_a_batch_with_broken_reports_extracts_every_good_one(tmp_path):
    good = tmp_path / "in"
    good.mkdir()
    (good / "hubei.txt").write_text(HUBEI, encoding="utf-8")
    (good / "chongqing-big5.txt").write_bytes(CHONGQING.encode("big5", errors="replace"))
    (good / "hubei-gbk.txt").write_bytes(HUBEI.encode("gbk", errors="replace"))
    (good / "junk.txt").write_bytes(bytes(range(256)) * 40)
    (good / "empty.txt").write_bytes(b"")
    (good / "truncated-pdf.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog")
    (good / "truncated-html.html").write_text("<html><body><table><tr><td>一、本年新收政府信息公开申请数量<td>3",
                                         encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["extract", str(good), "-o", str(out), "--rules-only"])
    assert result.exit_code == 0
    by_id = {r["id"]: r for r in records(out)}
    assert set(by_id) == {"hubei", "chongqing-big5", "hubei-gbk", "junk", "empty", "truncated", "truncated@"
                          + str(good / "truncated-html.html")} or len(by_id) == 7
    errors = {r["source"]: r["error"] for r in by_id.values() if "error" in r}
    assert set(errors) == {str(good / "junk.txt"), str(good / "empty.txt"), str(good / "truncated-pdf.pdf")}
    assert all(source in message for source, message in errors.items())
    assert by_id["chongqing-big5"]["agency"] == "重庆市知识产权局"
    assert by_id["hubei-gbk"]["year"] == 2016
    assert "3 failed" in result.output


def test_record_files_keep_their_ids(tmp_path):
    source = tmp_path / "reports.jsonl"
    rows = [{"doc": "a-1", "body": HUBEI}, {"doc": "b-2", "body": CHONGQING}]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run_extract([str(source)], out, text_field="body", id_field="doc", rules_only=True)
    assert [r["id"] for r in records(out)] == ["a-1", "b-2"]


def test_resume_skips_reports_already_written(tmp_path):
    out = tmp_path / "out.jsonl"
    run_extract([str(SAMPLES / "seeds")], out, rules_only=True)
    first = out.read_text(encoding="utf-8")
    out.write_text(first.splitlines(keepends=True)[0] + '{"id": "partial', encoding="utf-8")  # killed mid-line
    summary = run_extract([str(SAMPLES / "seeds")], out, rules_only=True, resume=True)
    assert (summary.skipped, summary.ok) == (1, 1)
    assert sorted(r["id"] for r in records(out)) == ["seed-chongqing-ipo-2021", "seed-hubei-ipo-2016"]


def test_parquet_output_loads_with_datasets(tmp_path):
    datasets = pytest.importorskip("datasets")
    out = tmp_path / "out.parquet"
    result = CliRunner().invoke(app, ["extract", str(SAMPLES / "seeds"), "-o", str(out), "--format", "parquet",
                                      "--rules-only"])
    assert result.exit_code == 0
    loaded = datasets.load_dataset("parquet", data_files=str(out), split="train")
    row = next(r for r in loaded if r["id"] == "seed-chongqing-ipo-2021")
    assert row["agency"] == "重庆市知识产权局" and json.loads(row["tables"])["applications"]["new_received"]["total"] == 1
    assert any(e["label"] == "COUNT" and e["value"] == 537 for e in row["entities"])


def test_csv_output_has_one_row_per_report_with_table_cells(tmp_path):
    out = tmp_path / "out.csv"
    CliRunner().invoke(app, ["extract", str(SAMPLES / "seeds"), "-o", str(out), "--format", "csv", "--rules-only"])
    import csv

    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 2
    chongqing = next(r for r in rows if r["id"] == "seed-chongqing-ipo-2021")
    assert chongqing["applications.new_received.total"] == "1"


def test_review_pages_render_entities_and_tables(tmp_path):
    out, pages = tmp_path / "out.jsonl", tmp_path / "html"
    result = CliRunner().invoke(app, ["extract", str(SAMPLES / "seeds"), "-o", str(out), "--rules-only",
                                      "--html", str(pages)])
    assert result.exit_code == 0
    index = lxml_html.parse(str(pages / "index.html")).getroot()
    links = [a.get("href") for a in index.iter("a")]
    assert sorted(links) == ["seed-chongqing-ipo-2021.html", "seed-hubei-ipo-2016.html"]
    page = lxml_html.parse(str(pages / "seed-chongqing-ipo-2021.html")).getroot()
    marks = [m.text_content() for m in page.iter("mark")]
    assert any("重慶市知識產權局" in m for m in marks)
    assert any("applications.new_received.total" in td.text_content() for td in page.iter("td"))


def test_python_api_yields_the_same_records():
    got = list(xxgk.extract([SAMPLES / "seeds" / "seed-hubei-ipo-2016.txt", "湖北省知识产权局2016年政府信息公开工作年度报告"],
                            rules_only=True))
    assert got[0]["id"] == "seed-hubei-ipo-2016" and got[0]["agency"] == "湖北省知识产权局"
    assert got[1]["year"] == 2016 and got[1]["entities"][0]["label"] == "AGENCY"


def test_xxgk_tables_prints_the_subtotal_cells_apart_from_the_standard_keys(tmp_path):
    report = tmp_path / "subtotals.txt"
    report.write_text(
        "三、收到和处理政府信息公开申请情况\n申请人情况\n自然人\n法人或其他组织\n总计\n商业企业\n科研机构\n"
        "社会公益组织\n法律服务机构\n其他\n法人或其他组织小计\n"
        "一、本年新收政府信息公开申请数量 3 1 0 0 1 0 2 5\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["tables", str(report)])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["tables"]["applications"]["new_received"]["total"] == 5
    assert printed["extra"]["applications"]["new_received"]["legal_subtotal"] == 2
