"""Where do the trained components and the rules differ? Counts, per entity label, the gold
entities found by both, by the rules only, by the trained components only and by neither, and the
false positives of each, on a gold split; ``--show`` lists every entity they do not agree on.

A pipeline can only beat the rules where its trained components find what the rules miss (the
"model only" column of the gold entities) without adding false positives of their own.

Run: python training/model_vs_rules.py pipelines/xxgk_zh [--split test] [--show]
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer
from compare_rule_mix import SETTINGS, mix_outputs

from xxgk.annotations import records_in_split
from xxgk.evaluation import gold_spans, predict_records, predicted_spans

ROOT = Path(__file__).resolve().parents[1]
ENTITY_LABELS = ("AGENCY", "YEAR", "COUNT")
COLUMNS = {"both": (True, True), "rules only": (True, False), "model only": (False, True), "neither": (False, False)}


def entity_set(spans: list[tuple[int, int, str]]) -> set[tuple[int, int, str]]:
    return {s for s in spans if s[2] in ENTITY_LABELS}


def agreement(records: list[dict], rules: list[dict], model: list[dict]) -> tuple[Counter, list[tuple]]:
    """Counts keyed by (label, "gold" | "false positive", column) and the entities not in all three."""
    counts, disagreements = Counter(), []
    for record, by_rules, by_model in zip(records, rules, model):
        gold = entity_set(gold_spans(record))
        found_by_rules, found_by_model = entity_set(predicted_spans(by_rules)), entity_set(predicted_spans(by_model))
        for span in gold | found_by_rules | found_by_model:
            column = next(name for name, key in COLUMNS.items() if key == (span in found_by_rules, span in found_by_model))
            counts[span[2], "gold" if span in gold else "false positive", column] += 1
            if not (span in gold and column == "both"):
                disagreements.append((record["id"], span, record["text"][span[0]:span[1]], span in gold, column))
    return counts, disagreements


def main(pipeline: Path, split: str = "test", gold: Path = ROOT / "annotations" / "gold.jsonl",
         show: bool = typer.Option(False, help="List every entity the three do not agree on")) -> None:
    records = records_in_split(gold, split)
    rules = predict_records(records, rules_only=True)
    model = mix_outputs(pipeline, records, SETTINGS["model only"])
    counts, disagreements = agreement(records, rules, model)
    print(f"{len(records)} {split} records; entities by who finds them (rules / trained components alone)")
    print(f"{'label':8} {'':15} " + " ".join(f"{c:>11}" for c in COLUMNS))
    for label in ENTITY_LABELS:
        for kind in ("gold", "false positive"):
            print(f"{label:8} {kind:15} " + " ".join(f"{counts[label, kind, c]:>11}" for c in COLUMNS))
    if show:
        for uid, span, text, is_gold, column in sorted(disagreements):
            print(f"{uid} {span[2]:7} {span[0]}-{span[1]} {'gold' if is_gold else 'not gold':8} {column:10} {text}")


if __name__ == "__main__":
    typer.run(main)
