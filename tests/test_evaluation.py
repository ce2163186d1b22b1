"""The scorer against hand-computed P/R/F on tiny examples."""

import pytest

from xxgk.evaluation import error_report, exact_counts, overlap_counts, overlaps_enough, score


def test_exact_scores_count_true_and_false_positives():
    gold = [(0, 3, "AGENCY"), (5, 10, "YEAR"), (12, 15, "COUNT")]
    pred = [(0, 3, "AGENCY"), (5, 9, "YEAR"), (20, 22, "COUNT")]
    prf = exact_counts(gold, pred)
    assert (prf.tp, prf.fp, prf.fn) == (1, 2, 2)
    assert prf.p == pytest.approx(1 / 3) and prf.r == pytest.approx(1 / 3) and prf.f == pytest.approx(1 / 3)


def test_overlap_needs_half_of_the_longer_span():
    assert overlaps_enough((0, 10), (0, 5))  # 5 shared of 10
    assert not overlaps_enough((0, 10), (0, 4))  # 4 shared of 10
    assert overlaps_enough((0, 10), (5, 15))  # 5 shared, both 10 long
    assert not overlaps_enough((0, 10), (10, 20))


def test_overlap_matching_is_one_to_one():
    # two predictions overlap the same gold span: only one may match it
    gold = [(0, 10, "MEASURE")]
    pred = [(0, 8, "MEASURE"), (2, 10, "MEASURE")]
    prf = overlap_counts(gold, pred)
    assert (prf.tp, prf.fp, prf.fn) == (1, 1, 0)


def test_overlap_matching_finds_the_maximum_assignment():
    # greedy would pair pred A with gold 1 and leave gold 2 unmatched; the best pairing matches both
    gold = [(0, 10, "PROBLEM"), (6, 14, "PROBLEM")]
    pred = [(4, 12, "PROBLEM"), (0, 6, "PROBLEM")]
    assert overlaps_enough(gold[0][:2], pred[0][:2]) and overlaps_enough(gold[1][:2], pred[0][:2])
    assert overlaps_enough(gold[0][:2], pred[1][:2]) and not overlaps_enough(gold[1][:2], pred[1][:2])
    assert overlap_counts(gold, pred).tp == 2


def test_overlap_requires_the_same_label():
    prf = overlap_counts([(0, 10, "MEASURE")], [(0, 10, "PROBLEM")])
    assert (prf.tp, prf.fp, prf.fn) == (0, 1, 1)


def test_score_reports_micro_and_macro_per_layer():
    text = "湖北省知识产权局2016年公开信息1465条"
    gold = [{"id": "a", "text": text, "spans": [{"start": 0, "end": 8, "label": "AGENCY"},
                                               {"start": 8, "end": 13, "label": "YEAR"},
                                               {"start": 17, "end": 22, "label": "COUNT"}],
             "meta": {"year": 2016}}]
    outputs = [{"entities": [{"start": 0, "end": 8, "label": "AGENCY"}, {"start": 8, "end": 12, "label": "YEAR"}],
                "statements": [], "year": 2016}]
    scores = score(gold, outputs).to_json()
    entities = scores["entities"]
    assert entities["per_label"]["AGENCY"]["f"] == 1.0
    assert entities["per_label"]["YEAR"]["f"] == 0.0
    assert entities["micro"] == {"p": 0.5, "r": 0.3333, "f": 0.4, "tp": 1, "fp": 1, "fn": 2}
    assert entities["macro_f"] == pytest.approx(1 / 3, abs=1e-4)
    assert scores["report_year"] == {"accuracy": 1.0, "total": 1}


def test_table_cells_are_scored_where_gold_has_tables():
    gold = [{"id": "t", "text": "…", "tables": {"applications": {"new_received": {"total": 1, "business": 1}}}}]
    outputs = [{"tables": {"applications": {"new_received": {"total": 1, "business": 0}}}}]
    assert score(gold, outputs).to_json()["table_cells"]["accuracy"] == 0.5


def test_error_report_sorts_errors_by_kind():
    text = "市政府召开会议2场,县政府"
    gold = [{"id": "e", "text": text, "spans": [{"start": 0, "end": 3, "label": "AGENCY"},
                                               {"start": 7, "end": 9, "label": "COUNT"},
                                               {"start": 10, "end": 13, "label": "AGENCY"}]}]
    outputs = [{"entities": [{"start": 0, "end": 2, "label": "AGENCY"}, {"start": 7, "end": 9, "label": "YEAR"},
                             {"start": 3, "end": 5, "label": "COUNT"}], "statements": []}]
    report = error_report(gold, outputs)
    assert [e["text"] for e in report["AGENCY"]["boundary"]] == ["市政", "市政府"]
    assert report["AGENCY"]["missed"][0]["text"] == "县政府"
    assert report["YEAR"]["label"][0]["text"] == "2场"
    assert report["COUNT"]["spurious"][0]["text"] == "召开"


def test_the_evaluate_command_scores_a_gold_file_it_has_never_seen(tmp_path):
    import json

    from typer.testing import CliRunner

    from xxgk.cli import app

    text = "湖北省知识产权局2016年共公开各类信息1465条。"
    gold = tmp_path / "handmade.jsonl"
    gold.write_text(json.dumps({"id": "hand-1", "text": text, "meta": {"year": 2016},
                                "spans": [{"start": 0, "end": 8, "label": "AGENCY"},
                                          {"start": 8, "end": 13, "label": "YEAR"},
                                          {"start": 20, "end": 25, "label": "COUNT"}]}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    scores, errors = tmp_path / "scores.json", tmp_path / "errors.json"
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(gold), "--output", str(scores),
                                      "--errors", str(errors)])
    assert result.exit_code == 0, result.output
    assert "entities             micro" in result.output and "pipeline" in result.output
    written = json.loads(scores.read_text(encoding="utf-8"))
    assert set(written) == {"pipeline", "rules"}
    assert written["rules"]["entities"]["per_label"]["COUNT"]["f"] == 1.0
    assert written["pipeline"]["report_year"] == {"accuracy": 1.0, "total": 1}
    assert isinstance(json.loads(errors.read_text(encoding="utf-8")), dict)
