"""Throughput of the extraction engines on the same texts: local (1 and 2 processes) and Ray (1 and 2 workers).

The corpus is every passage of ``/work/shared/corpus/passages.jsonl`` plus the two seed reports,
written as ``.txt`` files (so each engine also reads and decodes them) and repeated until it holds
``--chars`` characters. Each engine extracts it into a fresh output; chars/s is the characters of
the successfully processed reports over the wall time of the run (expanding inputs, worker start,
processing, writing). Ray itself is started once, before all runs (printed apart: on a cluster it
is already running); the Ray runs include starting their actor pool. Before each run, a run on
two reports (one Ray task each) measures the engine's fixed start-up cost, and the rate
without it is printed too.

Run: python evaluate/bench_engines.py [--chars 5000000] [--repeat 2] [--pipeline [DIR]] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xxgk.batch import run_extract  # noqa: E402

BUNDLED = ROOT / "pipelines" / "xxgk_zh"

CORPUS = Path("/work/shared/corpus")
SEEDS = ["seed-chongqing-ipo-2021.txt", "seed-hubei-ipo-2016.txt"]


def corpus_texts() -> list[tuple[str, str]]:
    """(name, text) of the seeds and every corpus passage."""
    texts = [(Path(name).stem, (CORPUS / name).read_text(encoding="utf-8")) for name in SEEDS]
    with (CORPUS / "passages.jsonl").open(encoding="utf-8") as f:
        texts.extend((row["id"], row["text"]) for row in map(json.loads, f))
    return texts


def write_corpus(directory: Path, target_chars: int) -> tuple[int, int]:
    """Write the texts, repeated, as .txt files until ``target_chars``; returns (files, chars)."""
    texts = corpus_texts()
    files = chars = 0
    while chars < target_chars:
        name, text = texts[files % len(texts)]
        (directory / f"{files // len(texts):03d}-{name}.txt").write_text(text, encoding="utf-8")
        files += 1
        chars += len(text)
    return files, chars


def timed(label: str, run, corpus: Path, work: Path, block_size: int) -> dict:
    """One engine on the corpus, after a run on two reports (one per worker) that measures its
    fixed start-up cost."""
    tiny = work / "tiny"
    tiny.mkdir(exist_ok=True)
    for name in SEEDS:
        (tiny / name).write_text((CORPUS / name).read_text(encoding="utf-8"), encoding="utf-8")
    fixed = run(tiny, work / "fixed.jsonl", block_size=1).seconds
    summary = run(corpus, work / "run.jsonl", block_size=block_size)
    rate = summary.chars / summary.seconds
    steady = summary.chars / max(summary.seconds - fixed, 0.1 * summary.seconds)  # start-up is noisy
    print(
        f"{label:26} {summary.ok:6d} ok {summary.failed:3d} failed {summary.seconds:7.1f} s {rate:10,.0f} chars/s"
        f"   (start-up {fixed:4.1f} s; without it {steady:10,.0f} chars/s)",
        flush=True,
    )
    return {
        "engine": label,
        "ok": summary.ok,
        "failed": summary.failed,
        "chars": summary.chars,
        "seconds": round(summary.seconds, 2),
        "chars_per_s": round(rate),
        "startup_s": round(fixed, 2),
        "chars_per_s_without_startup": round(steady),
    }


def bench(
    corpus: Path,
    work: Path,
    *,
    rules_only: bool,
    pipeline: str | None,
    batch_size: int,
    block_size: int,
    repeat: int,
) -> list[dict]:
    """Local with 1 and 2 processes, then Ray with 1 and 2 workers, ``repeat`` rounds (best kept:
    the machine may be shared); prints the Ray(2)/local(2) ratios."""
    from xxgk.engine_ray import run_extract_ray

    options = {"rules_only": rules_only, "pipeline": pipeline, "batch_size": batch_size}
    mode = "rules" if rules_only else "pipeline"
    engines = {}
    for n in (1, 2):
        engines[f"local {mode} n_process={n}"] = lambda src, out, block_size, n=n: run_extract(
            [str(src)], out, n_process=n, **options
        )
    for n in (1, 2):
        engines[f"ray {mode} workers={n}"] = lambda src, out, block_size, n=n: run_extract_ray(
            [str(src)], out, workers=n, block_size=block_size, **options
        )
    rounds = [
        [timed(label, run, corpus, work, block_size) for label, run in engines.items()] for _ in range(repeat)
    ]
    results = [min(runs, key=lambda r: r["seconds"]) for runs in zip(*rounds)]  # best of the rounds
    if repeat > 1:
        for result in results:
            print(f"best {result['engine']:26} {result['chars_per_s']:10,.0f} chars/s", flush=True)
    for key, what in (("chars_per_s", "end to end"), ("chars_per_s_without_startup", "without start-up")):
        print(f"ray(2)/local(2) {mode}, {what}: {results[3][key] / results[1][key]:.1%}", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=5_000_000, help="corpus size in characters")
    parser.add_argument("--batch-size", type=int, default=16, help="reports per nlp.pipe batch")
    parser.add_argument(
        "--block-size", type=int, default=None, help="reports per Ray task (default: the engine's)"
    )
    parser.add_argument(
        "--pipeline",
        nargs="?",
        const=str(BUNDLED),
        default=None,
        help="also benchmark with this pipeline (default: the bundled one, if it exists)",
    )
    parser.add_argument("--repeat", type=int, default=2, help="rounds of all runs; the best of each is kept")
    parser.add_argument("--json", type=Path, help="write the results here")
    args = parser.parse_args()

    from xxgk.engine_ray import BLOCK_SIZE, ray_session

    with tempfile.TemporaryDirectory() as tmp:
        corpus, work = Path(tmp) / "corpus", Path(tmp) / "out"
        corpus.mkdir()
        work.mkdir()
        files, chars = write_corpus(corpus, args.chars)
        args.block_size = args.block_size or BLOCK_SIZE
        print(
            f"corpus: {files} files, {chars:,} chars ({chars / files:,.0f} chars/file); "
            f"{os.cpu_count()} CPUs; batch size {args.batch_size}, block size {args.block_size}",
            flush=True,
        )
        started = time.perf_counter()
        with ray_session():  # the engine's own local start-up, as ``--engine ray`` without ``--address``
            ray_start = time.perf_counter() - started
            print(f"ray start-up: {ray_start:.1f} s (not counted below)", flush=True)
            results = {
                "files": files,
                "chars": chars,
                "cpus": os.cpu_count(),
                "ray_start_s": round(ray_start, 1),
                "batch_size": args.batch_size,
                "block_size": args.block_size,
            }
            options = {"batch_size": args.batch_size, "block_size": args.block_size, "repeat": args.repeat}
            results["runs"] = bench(corpus, work, rules_only=True, pipeline=None, **options)
            if args.pipeline and (Path(args.pipeline) / "config.cfg").exists():
                results["runs"] += bench(corpus, work, rules_only=False, pipeline=args.pipeline, **options)
            elif args.pipeline:
                print(
                    f"{args.pipeline}: no pipeline there (no config.cfg); pipeline runs skipped", flush=True
                )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
