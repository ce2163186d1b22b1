"""Which labels should the trained pipeline take from the rules? Scores settings of the
``xxgk_rule_entities`` component on a trained pipeline, on the gold dev split.

Run: python training/compare_rule_mix.py pipelines/xxgk_zh [--split dev]
"""

from __future__ import annotations

from pathlib import Path

import typer

from xxgk.annotations import records_in_split
from xxgk.evaluation import score
from xxgk.extraction import build_record
from xxgk.pipeline import analysis_from_doc, load_pipeline, make_docs
from xxgk.reading import document_from_text

ROOT = Path(__file__).resolve().parents[1]
ALL = ["AGENCY", "YEAR", "COUNT"]
SETTINGS = {
    "model only": {"rule_labels": [], "prefer": "model", "statements": "model"},
    "union, prefer model": {"rule_labels": ALL, "prefer": "model", "statements": "union"},
    "union, prefer rules": {"rule_labels": ALL, "prefer": "rules", "statements": "union"},
    "AGENCY: union, prefer model; YEAR, COUNT: rules": {"rule_labels": ALL, "model_labels": ["AGENCY"],
                                                         "prefer": "model", "statements": "union"},
    "AGENCY: union, prefer rules; YEAR, COUNT: rules": {"rule_labels": ALL, "model_labels": ["AGENCY"],
                                                         "prefer": "rules", "statements": "union"},
    "AGENCY: model; YEAR, COUNT: rules": {"rule_labels": ["YEAR", "COUNT"], "model_labels": ["AGENCY"],
                                           "prefer": "model", "statements": "union"},
    "model entities, rule statements": {"rule_labels": [], "prefer": "rules", "statements": "rules"},
    "model entities, statements union (rules first)": {"rule_labels": [], "prefer": "rules", "statements": "union"},
    "model entities, statements union (model first)": {"rule_labels": [], "prefer": "model", "statements": "union"},
}


def mix_outputs(pipeline: Path, records: list[dict], config: dict) -> list[dict]:
    """Output records of the pipeline on the records' texts with ``xxgk_rule_entities`` set to ``config``."""
    documents = [document_from_text(r["text"], r["id"], r["id"]) for r in records]
    nlp = load_pipeline(pipeline)
    if "xxgk_rule_entities" in nlp.pipe_names:
        nlp.remove_pipe("xxgk_rule_entities")
    nlp.add_pipe("xxgk_rule_entities", before="xxgk_counts", config={"model_labels": None, **config})
    docs = nlp.pipe(make_docs(nlp, documents))
    return [build_record(d, analysis_from_doc(doc), {}) for d, doc in zip(documents, docs)]


def mix_scores(pipeline: Path, records: list[dict], config: dict) -> dict:
    """Scores of the pipeline on the records with ``xxgk_rule_entities`` set to ``config``."""
    return score(records, mix_outputs(pipeline, records, config)).to_json()


def summary_line(scores: dict) -> str:
    per = scores["entities"]["per_label"]
    stm = scores["statements_overlap"]["per_label"]
    return (f"ents {scores['entities']['micro']['f']:.3f} (AGENCY {per['AGENCY']['f']:.3f} YEAR "
            f"{per['YEAR']['f']:.3f} COUNT {per['COUNT']['f']:.3f})  MEASURE {stm['MEASURE']['f']:.3f} "
            f"PROBLEM {stm['PROBLEM']['f']:.3f}")


def main(pipeline: Path, split: str = "dev", gold: Path = ROOT / "annotations" / "gold.jsonl") -> None:
    records = records_in_split(gold, split)
    print(f"{len(records)} {split} records; micro F1 entities, overlap F1 MEASURE / PROBLEM")
    for name, config in SETTINGS.items():
        print(f"{name:50} {summary_line(mix_scores(pipeline, records, config))}")


if __name__ == "__main__":
    typer.run(main)
