"""Does the rule-tag augmenter (``xxgk.rule_tags.v1``) teach the NER corrections of the rules?

Trains the bundled config with each augmenter setting and seed (the rule mix off during training,
as ``xxgk train`` does) and scores every run on the gold dev split twice: the trained components
alone, and with the rule mix of the config ("union, prefer rules") plus the per-label mix
"AGENCY: union, prefer model; YEAR, COUNT: rules".

Run: python training/compare_augmenter.py [--seeds 0 --seeds 1] [--overrides JSON]
(``--overrides``: config overrides for every run, e.g. another tok2vec size; about 4 minutes a run)
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import typer
from compare_rule_mix import ALL, SETTINGS, mix_scores, summary_line

from xxgk.annotations import records_in_split
from xxgk.training import ROOT, train_pipeline

AUGMENTERS = {
    "no augmenter": None,
    "disagreement copies 3": {"disagreement_copies": 3},
    "copies 3, tag dropout 0.05": {"disagreement_copies": 3, "dropout": 0.05},
    "copies 3, tag dropout 0.1": {"disagreement_copies": 3, "dropout": 0.1},
    "copies 6, tag dropout 0.05": {"disagreement_copies": 6, "dropout": 0.05},
}
MIXES = {
    "model only": SETTINGS["model only"],
    "union, prefer rules": SETTINGS["union, prefer rules"],
    "AGENCY model first, YEAR/COUNT rules": {"rule_labels": ALL, "model_labels": ["AGENCY"], "prefer": "model",
                                             "statements": "union"},
}


def main(seeds: list[int] = typer.Option([0]), overrides: str = typer.Option("{}", help="Config overrides (JSON)"),
         gold: Path = ROOT / "annotations" / "gold.jsonl") -> None:
    dev = records_in_split(gold, "dev")
    base = json.loads(overrides)
    for name, augmenter in AUGMENTERS.items():
        run_overrides = dict(base)
        if augmenter:
            run_overrides["corpora.train.augmenter"] = {"@augmenters": "xxgk.rule_tags.v1", **augmenter}
        for seed in seeds:
            with tempfile.TemporaryDirectory() as tmp:
                pipeline = Path(tmp) / "model"
                meta = train_pipeline([gold], pipeline, seed=seed, overrides=run_overrides)
                for mix, config in MIXES.items():
                    print(f"{name:28} seed {seed}  {mix:38} {summary_line(mix_scores(pipeline, dev, config))}"
                          f"  ({meta['training_seconds']:.0f} s)", flush=True)


if __name__ == "__main__":
    typer.run(main)
