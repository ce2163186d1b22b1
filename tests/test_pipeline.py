"""The bundled spaCy pipeline: loads offline, tags reports; and a tiny training run end to end."""

import json
from pathlib import Path

import pytest
import spacy

import xxgk
from xxgk.annotations import read_jsonl, write_jsonl
from xxgk.pipeline import BUNDLED
from xxgk.training import CONFIG, train_pipeline

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "samples" / "seeds"


@pytest.fixture(scope="module")
def nlp():
    return xxgk.load()


def test_the_bundled_pipeline_loads_with_spacy_and_offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    nlp = spacy.load(BUNDLED)
    assert nlp.lang == "zh" and "ner" in nlp.pipe_names and "spancat" in nlp.pipe_names
    assert nlp.tokenizer.segmenter == "pkuseg"
    assert (BUNDLED / "tokenizer" / "pkuseg_model").is_dir()


@pytest.mark.parametrize(("name", "agency", "year"), [
    ("seed-chongqing-ipo-2021", "重慶市知識產權局", "2021年"),
    ("seed-hubei-ipo-2016", "湖北省知识产权局", "2016年"),
])
def test_the_seed_titles_agency_and_year_are_tagged(nlp, name, agency, year):
    text = (SEEDS / f"{name}.txt").read_text(encoding="utf-8")
    title_line = next(line for line in text.splitlines() if "年度報告" in line or "年度报告" in line)
    start = text.index(title_line)
    doc = nlp(text)
    in_title = [(e.text, e.label_) for e in doc.ents if start <= e.start_char < start + len(title_line)]
    assert (agency, "AGENCY") in in_title and (year, "YEAR") in in_title


def test_counts_carry_value_unit_and_table_link(nlp):
    text = (SEEDS / "seed-chongqing-ipo-2021.txt").read_text(encoding="utf-8")
    doc = nlp(text)
    published = next(e for e in doc.ents if e.text == "537條")
    assert (published._.value, published._.unit, published._.approx) == (537, "條", False)
    application = next(e for e in doc.ents if e.label_ == "COUNT" and "收到政府信息公開申請" in
                       text[e.start_char - 12:e.start_char])
    assert application._.count_type == "applications.new_received.total"
    assert doc._.xxgk.tables.tables["applications"]["new_received"]["total"] == 1


def test_statements_are_found_in_the_problems_section(nlp):
    text = (SEEDS / "seed-chongqing-ipo-2021.txt").read_text(encoding="utf-8")
    doc = nlp(text)
    section = next(s for s in doc._.xxgk.sections if s.type == "problems_improvements")
    statements = list(doc.spans["statements"])
    assert statements and all(section.start <= s.start_char and s.end_char <= section.end for s in statements)
    assert {s.label_ for s in statements} <= {"MEASURE", "PROBLEM"}


def test_extraction_with_the_pipeline_gives_the_output_record():
    record = next(xxgk.extract([SEEDS / "seed-hubei-ipo-2016.txt"]))
    assert record["pipeline"]["name"].startswith("zh_")
    assert (record["agency"], record["year"], record["format"]) == ("湖北省知识产权局", 2016, "pre2019")
    assert any(e["label"] == "COUNT" and e["value"] == 1465 for e in record["entities"])


def test_a_tiny_training_run_goes_end_to_end(tmp_path):
    gold_records = list(read_jsonl(ROOT / "annotations" / "gold.jsonl"))
    with_statements = [r for r in gold_records if any(s["label"] == "MEASURE" for s in r["spans"])][:4]
    records = with_statements + [r for r in gold_records if r not in with_statements][:8]
    for n, record in enumerate(records):
        record["meta"]["split"] = "dev" if n in (0, 5, 6) else "train"
    gold = tmp_path / "tiny.jsonl"
    write_jsonl(gold, records)
    meta = train_pipeline([gold], tmp_path / "tiny_pipeline", max_steps=4,
                          overrides={"training.eval_frequency": 2})
    assert meta["training_data"]["train"]["docs"] == 9
    trained = spacy.load(tmp_path / "tiny_pipeline")
    assert trained("湖北省知识产权局2016年").text == "湖北省知识产权局2016年"
    assert json.loads((tmp_path / "tiny_pipeline" / "meta.json").read_text())["seed"] == 0
    # trained with the rule mix off (checkpoints chosen by the model's own score), shipped with the config's
    configured = spacy.util.load_config(CONFIG)["components"]["xxgk_rule_entities"]
    assert trained.get_pipe("xxgk_rule_entities").rule_labels == set(configured["rule_labels"])


def test_rule_tag_augmenter_drops_whole_rule_entities_and_repeats_disagreements(nlp):
    from spacy.training import Example

    from xxgk.training import create_rule_tag_augmenter

    text = "湖北省知识产权局2016年主动公开政府信息1465条。"
    predicted, reference = nlp.make_doc(text), nlp.make_doc(text)
    assert {t.tag_ for t in predicted} >= {"B-AGENCY", "B-YEAR", "B-COUNT"}
    reference.ents = [reference.char_span(s, e, label=label) for s, e, label in
                      [(0, 8, "AGENCY"), (8, 13, "YEAR"), (21, 26, "COUNT")]]
    agreeing = Example(predicted, reference)
    dropped = list(create_rule_tag_augmenter(dropout=1.0, disagreement_copies=2)(nlp, agreeing))
    assert len(dropped) == 1  # the rules agree with the gold entities: no extra copy
    assert [t.text for t in dropped[0].predicted] == [t.text for t in predicted]
    assert {t.tag_ for t in dropped[0].predicted} == {"O"}
    assert dropped[0].predicted._.source_text == text  # the extensions travel with the doc
    only_agencies = list(create_rule_tag_augmenter(dropout=1.0, dropout_labels=["AGENCY"])(nlp, agreeing))
    assert {t.tag_[2:] for t in only_agencies[0].predicted} == {"", "YEAR", "COUNT"}

    reference.ents = [e for e in reference.ents if e.label_ != "AGENCY"]  # gold disagrees with the rules
    repeated = list(create_rule_tag_augmenter(disagreement_copies=2)(nlp, Example(predicted, reference)))
    assert len(repeated) == 3
    assert [t.tag_ for t in repeated[0].predicted] == [t.tag_ for t in predicted]
