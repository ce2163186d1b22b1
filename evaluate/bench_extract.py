"""Extraction throughput and memory, all on the same texts in one run.

Prints chars/s for: pkuseg segmentation alone (the pipeline's own segmenter), spaCy's blank
``zh`` tokenizer (char segmentation), ``xxgk extract`` with the bundled pipeline in 1 and 2
processes, and ``--rules-only`` in 1 and 2 processes; plus the peak resident memory of the processes.

Each extraction runs in a fresh Python process of its own, as ``xxgk extract`` would (no earlier
configuration's pipeline or caches in it), and is timed end to end (``run_extract``: loading the
pipeline in every process, reading, writing the JSONL); and again in another fresh process right
after a run of the same configuration on one whole report (the Chongqing seed of ``samples/``,
which loads every template, gazetteer and script table): the throughput a long batch sees once
started.

Run: python evaluate/bench_extract.py [--repeat 3] [--pipeline pipelines/xxgk_zh]
"""

from __future__ import annotations

import json
import multiprocessing
import resource
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import typer

ROOT = Path(__file__).resolve().parents[1]
STARTUP_REPORT = ROOT / "samples" / "seeds" / "seed-chongqing-ipo-2021.txt"


def corpus_texts(repeat: int) -> list[tuple[str, str]]:
    units = [json.loads(line) for line in (ROOT / "annotations" / "units.jsonl").open(encoding="utf-8")]
    # each copy ends in one more newline, so that no copy hits a cache keyed by the text
    return [(f"{u['id']}~{n}", u["text"] + "\n" * n) for n in range(repeat) for u in units]


def rate(chars: int, seconds: float) -> str:
    return f"{chars / seconds:>12,.0f} chars/s"


def time_tokenizer(tokenizer, texts: list[str], rounds: int) -> float:
    """The best of ``rounds`` timings of ``tokenizer`` over ``texts``."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for text in texts:
            tokenizer(text)
        best = min(best, time.perf_counter() - started)
    return best


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def run_fresh(source: Path, out: Path, options: dict, *, started: bool) -> tuple[float, int, int, int]:
    """``run_extract`` of ``source`` in a new process (after the start-up report if ``started``):
    (seconds, chars, ok, failed)."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_run, source, out, options, started).result()


def _run(source: Path, out: Path, options: dict, started: bool) -> tuple[float, int, int, int]:
    from xxgk.batch import run_extract

    # a spawned process inherits the "spawn" start method; an `xxgk extract` starts with the default
    multiprocessing.set_start_method(None, force=True)
    if started:
        run_extract([str(STARTUP_REPORT)], out.with_suffix(".startup.jsonl"), **options)
    summary = run_extract([str(source)], out, **options)
    return summary.seconds, summary.chars, summary.ok, summary.failed


def main(repeat: int = typer.Option(3, help="Copies of the annotated corpus to process"),
         rounds: int = typer.Option(2, help="Timings of each figure; the best is printed (a shared machine)"),
         pipeline: Path = typer.Option(None, help="Pipeline directory (default: the bundled one)")) -> None:
    import spacy

    from xxgk.pipeline import load_pipeline

    items = corpus_texts(repeat)
    texts = [t for _, t in items]
    chars = sum(map(len, texts))
    nlp = load_pipeline(pipeline)
    print(f"{len(texts)} texts, {chars:,} chars; pipeline {nlp.meta['name']} {nlp.meta['version']}")
    pkuseg = time_tokenizer(nlp.tokenizer.pkuseg_seg.cut, texts, rounds)
    print(f"pkuseg segmentation alone : {rate(chars, pkuseg)}")
    print(f"pipeline tokenizer        : {rate(chars, time_tokenizer(nlp.tokenizer, texts, rounds))}  "
          "(pkuseg + labelling-function boundaries)")
    print(f"blank zh tokenizer (char) : {rate(chars, time_tokenizer(spacy.blank('zh').tokenizer, texts, rounds))}")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "texts.jsonl"
        source.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in items),
                          encoding="utf-8")
        runs = [("extract, 1 process", 1, False), ("extract, 2 processes", 2, False),
                ("extract --rules-only", 1, True), ("extract --rules-only, 2 pr.", 2, True)]
        seconds, ratios = {}, []
        for name, n_process, rules_only in runs:
            options = {"n_process": n_process, "rules_only": rules_only,
                       "pipeline": str(pipeline) if pipeline else None}
            out = Path(tmp) / f"{n_process}{rules_only}.jsonl"
            timings = []
            for _ in range(rounds):
                if name == "extract, 1 process":  # pkuseg timed right before: the machine's speed drifts
                    alone = time_tokenizer(nlp.tokenizer.pkuseg_seg.cut, texts, 1)
                timings.append(run_fresh(source, out, options, started=False))
                if name == "extract, 1 process":
                    ratios.append(alone / timings[-1][0])
            cold, done, ok, failed = min(timings)
            started = min(run_fresh(source, out, options, started=True)[0] for _ in range(rounds))
            seconds[name] = (cold, started)
            print(f"{name:28}: {rate(done, cold)} end to end, {rate(done, started)} once started  "
                  f"({ok} ok, {failed} failed)")
    (one, one_started), (two, two_started) = seconds["extract, 1 process"], seconds["extract, 2 processes"]
    print(f"1 process end to end / pkuseg alone timed just before: "
          f"{', '.join(f'{r:.2f}x' for r in ratios)} (median {statistics.median(ratios):.2f}x)")
    print(f"2 processes / 1 process: {one / two:.2f}x end to end, {one_started / two_started:.2f}x once started")
    print(f"peak memory: main process {peak_mb(resource.RUSAGE_SELF):,.0f} MB, "
          f"largest worker {peak_mb(resource.RUSAGE_CHILDREN):,.0f} MB")


if __name__ == "__main__":
    typer.run(main)
