"""Ablations of the trained components (the rule mix switched off, so the model alone is scored):
segmentation (char / pkuseg default / project model) and silver data (weak labels).

Silver: no corpus text is left unannotated (every passage is gold), so the silver question is
asked the way it arises for a user with unannotated reports: gold spans of one half of the
train split are thrown away and replaced by weak labels (silver), and training on
half-gold + half-silver is compared with training on the gold half alone.

Run: python training/ablation.py --default-model /path/to/pkuseg/models/default [--max-steps N]
(the research-only default model is used locally for comparison, never bundled)
"""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

import typer

from xxgk.annotations import read_jsonl, records_in_split, write_jsonl
from xxgk.evaluation import predict_records, score
from xxgk.training import MODEL_ONLY, ROOT, train_pipeline


def char_segmentation() -> dict:
    return {"nlp.tokenizer": {"@tokenizers": "xxgk.ChineseTokenizer.v1", "segmenter": "char"},
            "initialize.tokenizer": {"pkuseg_model": None, "pkuseg_user_dict": "default"}}


def halves(gold: Path, tmp: Path, seed: int) -> tuple[Path, Path]:
    """gold with half of the train split kept (the rest dropped) / the dropped half's texts as silver."""
    records = list(read_jsonl(gold))
    train = [r for r in records if r["meta"]["split"] == "train"]
    random.Random(seed).shuffle(train)
    silver_ids = {r["id"] for r in train[: len(train) // 2]}
    half_gold = tmp / "half_gold.jsonl"
    write_jsonl(half_gold, (r for r in records if r["id"] not in silver_ids))
    silver = tmp / "silver.jsonl"
    write_jsonl(silver, ({"id": r["id"], "text": r["text"]} for r in records if r["id"] in silver_ids))
    return half_gold, silver


def dev_scores(gold: Path, pipeline: Path) -> dict:
    dev = records_in_split(gold, "dev")
    return score(dev, predict_records(dev, str(pipeline))).to_json()


def main(default_model: Path = typer.Option(None), max_steps: int = typer.Option(None, help="Override training.max_steps (default: the config's)"), seed: int = 0,
         gold: Path = ROOT / "annotations" / "gold.jsonl",
         output: Path = ROOT / "training" / "ablation.json") -> None:
    runs = {"char segmentation": (gold, char_segmentation(), None),
            "project pkuseg model": (gold, {}, None)}
    if default_model:
        runs["pkuseg default model"] = (gold, {"paths.pkuseg_model": str(default_model),
                                               "paths.pkuseg_user_dict": "default"}, None)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        half_gold, silver = halves(gold, Path(tmp), seed)
        runs["half gold"] = (half_gold, {}, None)
        runs["half gold + half silver"] = (half_gold, {}, [silver])
        for name, (annotations, overrides, silver_files) in runs.items():
            out = Path(tmp) / name.replace(" ", "_")
            meta = train_pipeline([annotations], out, seed=seed, max_steps=max_steps,
                                  overrides={**MODEL_ONLY, **overrides}, silver_files=silver_files)
            s = dev_scores(gold, out)
            results[name] = {"entities_micro_f": s["entities"]["micro"]["f"],
                             **{k: v["f"] for k, v in s["entities"]["per_label"].items()},
                             **{k: v["f"] for k, v in s["statements_overlap"]["per_label"].items()},
                             "training_seconds": meta["training_seconds"]}
            print(name, results[name], flush=True)
    output.write_text(json.dumps({"max_steps": max_steps, "seed": seed, "results": results}, indent=2),
                      encoding="utf-8")
    print("| run | entities micro F | AGENCY | YEAR | COUNT | MEASURE (overlap) | PROBLEM (overlap) | s |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['entities_micro_f']:.3f} | {r['AGENCY']:.3f} | {r['YEAR']:.3f} | {r['COUNT']:.3f} "
              f"| {r['MEASURE']:.3f} | {r['PROBLEM']:.3f} | {r['training_seconds']:.0f} |")


if __name__ == "__main__":
    typer.run(main)
