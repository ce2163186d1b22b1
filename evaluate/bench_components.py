"""Where the pipeline's time goes: CPU seconds per stage on the annotation units.

Prints, for one pipeline, the CPU time of pkuseg segmentation alone, of the pipeline's tokenizer
(pkuseg plus the labelling functions' boundaries and tags) and of each component over the same
texts (``nlp.pipe`` per component, batches of 32), with the share of each in the total.

Run: python evaluate/bench_components.py [--pipeline DIR]
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import typer

ROOT = Path(__file__).resolve().parents[1]


def cpu_seconds(fn) -> tuple[float, object]:
    started = time.process_time()
    result = fn()
    return time.process_time() - started, result


def run_component(component, docs: list) -> list:
    if hasattr(component, "pipe"):
        return list(component.pipe(docs, batch_size=32))
    return [component(doc) for doc in docs]


def main(pipeline: Path = typer.Option(None, help="Pipeline directory (default: the bundled one)")) -> None:
    from xxgk.pipeline import load_pipeline

    texts = [json.loads(line)["text"] for line in (ROOT / "annotations" / "units.jsonl").open(encoding="utf-8")]
    chars = sum(map(len, texts))
    nlp = load_pipeline(pipeline)
    nlp("预热")  # lazy loading of the labelling functions' data is not what is measured
    segmentation, _ = cpu_seconds(lambda: [nlp.tokenizer.pkuseg_seg.cut(t) for t in texts])
    stages = {}
    stages["tokenizer"], docs = cpu_seconds(lambda: [nlp.tokenizer(t) for t in texts])
    for name, component in nlp.pipeline:
        stages[name], docs = cpu_seconds(lambda c=component, d=docs: run_component(c, d))
    total = sum(stages.values())
    print(f"{len(texts)} texts, {chars:,} chars, {sum(len(d) for d in docs):,} tokens; "
          f"pipeline {nlp.meta['name']} {nlp.meta['version']}")
    print(f"{'pkuseg segmentation alone':28} {segmentation:6.2f} s  ({chars / segmentation:,.0f} chars/s)")
    for name, seconds in stages.items():
        print(f"{name:28} {seconds:6.2f} s  {seconds / total:6.1%}")
    print(f"{'all stages':28} {total:6.2f} s  ({chars / total:,.0f} chars/s, "
          f"{segmentation / total:.2f}× pkuseg alone)")


if __name__ == "__main__":
    typer.run(main)
