"""Extraction throughput and memory, all on the same texts in one run.

Prints chars/s for: pkuseg segmentation alone (the pipeline's own segmenter), spaCy's blank
``zh`` tokenizer (char segmentation), ``xxgk extract`` with the bundled pipeline in 1 and 2
processes, and ``--rules-only`` in 1 and 2 processes; plus the peak resident memory of the processes.

Each extraction is timed end to end (``run_extract``: loading the pipeline in every process,
reading, writing the JSONL) and, beside it, without its fixed start-up, which a one-report run of
the same configuration measures just before (the throughput a long batch sees).

Run: python evaluate/bench_extract.py [--repeat 3] [--pipeline pipelines/xxgk_zh]
"""

from __future__ import annotations

import json
import resource
import tempfile
import time
from pathlib import Path

import typer

ROOT = Path(__file__).resolve().parents[1]


def corpus_texts(repeat: int) -> list[tuple[str, str]]:
    units = [json.loads(line) for line in (ROOT / "annotations" / "units.jsonl").open(encoding="utf-8")]
    # each copy ends in one more newline, so that no copy hits a cache keyed by the text
    return [(f"{u['id']}~{n}", u["text"] + "\n" * n) for n in range(repeat) for u in units]


def rate(chars: int, seconds: float) -> str:
    return f"{chars / seconds:>12,.0f} chars/s"


def time_tokenizer(tokenizer, texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        tokenizer(text)
    return time.perf_counter() - started


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main(repeat: int = typer.Option(3, help="Copies of the annotated corpus to process"),
         pipeline: Path = typer.Option(None, help="Pipeline directory (default: the bundled one)")) -> None:
    import spacy

    from xxgk.batch import run_extract
    from xxgk.pipeline import load_pipeline

    items = corpus_texts(repeat)
    texts = [t for _, t in items]
    chars = sum(map(len, texts))
    nlp = load_pipeline(pipeline)
    print(f"{len(texts)} texts, {chars:,} chars; pipeline {nlp.meta['name']} {nlp.meta['version']}")
    print(f"pkuseg segmentation alone : {rate(chars, time_tokenizer(nlp.tokenizer.pkuseg_seg.cut, texts))}")
    print(f"pipeline tokenizer        : {rate(chars, time_tokenizer(nlp.tokenizer, texts))}  "
          "(pkuseg + labelling-function boundaries)")
    print(f"blank zh tokenizer (char) : {rate(chars, time_tokenizer(spacy.blank('zh').tokenizer, texts))}")
    del nlp
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "texts.jsonl"
        source.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in items),
                          encoding="utf-8")
        one = Path(tmp) / "one.jsonl"
        one.write_text(json.dumps({"id": "one", "text": texts[0]}, ensure_ascii=False) + "\n", encoding="utf-8")
        runs = [("extract, 1 process", 1, False), ("extract, 2 processes", 2, False),
                ("extract --rules-only", 1, True), ("extract --rules-only, 2 pr.", 2, True)]
        for name, n_process, rules_only in runs:
            options = {"n_process": n_process, "rules_only": rules_only,
                       "pipeline": str(pipeline) if pipeline else None}
            startup = run_extract([str(one)], Path(tmp) / "one.out.jsonl", **options).seconds
            summary = run_extract([str(source)], Path(tmp) / f"{n_process}{rules_only}.jsonl", **options)
            print(f"{name:28}: {rate(summary.chars, summary.seconds)} end to end, "
                  f"{rate(summary.chars, max(summary.seconds - startup, 1e-9))} without the {startup:.1f} s "
                  f"start-up  ({summary.ok} ok, {summary.failed} failed)")
    print(f"peak memory: main process {peak_mb(resource.RUSAGE_SELF):,.0f} MB, "
          f"largest worker {peak_mb(resource.RUSAGE_CHILDREN):,.0f} MB")


if __name__ == "__main__":
    typer.run(main)
