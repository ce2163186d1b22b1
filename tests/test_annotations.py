"""Annotated corpora: the gold file, the validator, doccano/Label Studio round trips, splits."""

import json
from pathlib import Path

from typer.testing import CliRunner

from xxgk.annotations import (
    agreement,
    assign_splits,
    from_doccano,
    from_label_studio,
    group_key,
    read_jsonl,
    to_doccano,
    to_label_studio,
    validate_file,
    validate_record,
)
from xxgk.cli import app

GOLD = Path(__file__).resolve().parents[1] / "annotations" / "gold.jsonl"
HUBEI = {"id": "hubei-ipo-2016#demo", "text": "湖北省知识产权局2016年政府信息公开工作年度报告",
         "spans": [{"start": 0, "end": 8, "label": "AGENCY"}, {"start": 8, "end": 13, "label": "YEAR"}],
         "meta": {"source": "corpus/seed-hubei-ipo-2016.txt"}}


def test_the_gold_corpus_is_complete_and_valid():
    records = list(read_jsonl(GOLD))
    ids = {r["id"] for r in records}
    assert len(records) == 387 and {"p0000", "p0380", "chongqing-ipo-2021#0", "hubei-ipo-2016#0"} <= ids
    assert validate_file(GOLD) == []
    labels = [s["label"] for r in records for s in r["spans"]]
    assert sum(label in {"AGENCY", "YEAR", "COUNT"} for label in labels) >= 1200
    assert sum(label in {"MEASURE", "PROBLEM"} for label in labels) >= 120
    assert {r["meta"]["split"] for r in records} == {"train", "dev", "test"}


def test_no_agency_appears_in_two_splits():
    records = list(read_jsonl(GOLD))
    split_of_group: dict[str, set[str]] = {}
    for record in records:
        split_of_group.setdefault(group_key(record), set()).add(record["meta"]["split"])
    assert all(len(splits) == 1 for splits in split_of_group.values())


def test_splits_are_reproducible_with_a_seed():
    records = list(read_jsonl(GOLD))
    assert assign_splits(records, seed=5) == assign_splits(records, seed=5)
    assert assign_splits(records, seed=5) == {r["id"]: r["meta"]["split"] for r in records}


def test_validator_reports_every_problem_with_the_record_id():
    text = "根据《中华人民共和国政府信息公开条例》和闽政办函〔2012〕157号,市政府公开12条"
    broken = {"id": "bad-1", "text": text, "spans": [
        {"start": 3, "end": 9, "label": "AGENCY"},          # inside 《…》
        {"start": 26, "end": 30, "label": "YEAR"},          # inside 〔…〕
        {"start": 36, "end": 39, "label": "AGENCY"},
        {"start": 37, "end": 40, "label": "COUNT"},         # overlaps the AGENCY
        {"start": 40, "end": 99, "label": "COUNT"},         # outside the text
        {"start": 39, "end": 42, "label": "PLACE"},         # unknown label
    ]}
    messages = [str(p) for p in validate_record(broken)]
    assert all(m.startswith("bad-1: ") for m in messages)
    assert sum("inside 《…》/〔…〕" in m for m in messages) == 2
    assert any("entity spans overlap" in m for m in messages)
    assert any("outside the text" in m for m in messages)
    assert any("unknown label 'PLACE'" in m for m in messages)


def test_statements_may_contain_entities_but_not_each_other():
    text = "一是进一步规范政务信息公开流程,2017年完成"
    record = {"id": "s", "text": text, "spans": [{"start": 2, "end": 15, "label": "MEASURE"},
                                                 {"start": 16, "end": 21, "label": "YEAR"},
                                                 {"start": 10, "end": 22, "label": "PROBLEM"}]}
    messages = [str(p) for p in validate_record(record)]
    assert messages == ["s: statement spans overlap: 2-15 MEASURE and 10-22 PROBLEM"]


def test_doccano_round_trip():
    exported = to_doccano(HUBEI)
    assert exported["label"] == [[0, 8, "AGENCY"], [8, 13, "YEAR"]]
    back = from_doccano(exported)
    assert back["spans"] == HUBEI["spans"] and back["text"] == HUBEI["text"]
    newer = {"id": 7, "text": HUBEI["text"], "entities": [{"id": 1, "start_offset": 0, "end_offset": 8,
                                                           "label": "AGENCY"}]}
    assert from_doccano(newer)["spans"] == [{"start": 0, "end": 8, "label": "AGENCY"}]


def test_label_studio_round_trip():
    task = to_label_studio(HUBEI)
    assert task["annotations"][0]["result"][0]["value"]["text"] == "湖北省知识产权局"
    back = from_label_studio(task)
    assert back["id"] == HUBEI["id"] and back["spans"] == HUBEI["spans"]


def test_cli_converts_both_ways_and_validates(tmp_path):
    source = tmp_path / "gold.jsonl"
    source.write_text(json.dumps(HUBEI, ensure_ascii=False) + "\n", encoding="utf-8")
    runner = CliRunner()
    for fmt, name in (("doccano", "d.jsonl"), ("label-studio", "ls.json")):
        assert runner.invoke(app, ["annotations", "export", str(source), "-o", str(tmp_path / name),
                                   "--to", fmt]).exit_code == 0
        back = tmp_path / f"back-{name}.jsonl"
        assert runner.invoke(app, ["annotations", "import", str(tmp_path / name), "-o", str(back),
                                   "--from", fmt]).exit_code == 0
        assert next(read_jsonl(back))["spans"] == HUBEI["spans"]
    result = runner.invoke(app, ["annotations", "validate", str(source)])
    assert result.exit_code == 0
    broken = tmp_path / "broken.jsonl"
    broken.write_text(json.dumps({"id": "x", "text": "市政府", "spans": [{"start": 0, "end": 9,
                                                                        "label": "AGENCY"}]}) + "\n")
    result = runner.invoke(app, ["annotations", "validate", str(broken)])
    assert result.exit_code == 1 and "x: span 0-9 outside the text" in result.output


def test_agreement_is_span_f1_per_label():
    other = {**HUBEI, "spans": [{"start": 0, "end": 8, "label": "AGENCY"}, {"start": 8, "end": 12, "label": "YEAR"}]}
    scores = agreement([HUBEI], [other])
    assert scores["AGENCY"]["f1"] == 1.0 and scores["YEAR"]["f1"] == 0.0
