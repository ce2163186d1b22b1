"""Rules-only speed of two checkouts of xxgk, and whether their records are the same.

    git worktree add --detach /tmp/xxgk-old <commit>
    python evaluate/compare_speed.py /tmp/xxgk-old . [--rounds 7] [--repeat 3]

Each checkout's ``xxgk/`` is copied under its own package name and imported in this process, so
both run on the same texts (the annotation units, ``--repeat`` times over, as in
``bench_extract.py``) in alternating rounds; the best CPU time of each is printed, so the load of
a shared machine falls on both alike. Before timing, every record of the two (the rules-only
``xxgk extract`` record, as JSON) is compared: a speed-up must not change a byte.
"""

from __future__ import annotations

import importlib
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import typer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "evaluate"))

from bench_extract import corpus_texts  # noqa: E402


def load_checkout(checkout: Path, name: str, into: Path) -> tuple:
    """The ``extraction`` and ``reading`` modules of ``checkout``'s xxgk, imported as ``name``."""
    shutil.copytree(checkout / "xxgk", into / name / name)
    sys.path.insert(0, str(into / name))
    return importlib.import_module(f"{name}.extraction"), importlib.import_module(f"{name}.reading")


def record_lines(modules: tuple, items: list[tuple[str, str]]) -> Callable[[], list[str]]:
    """A function that makes the rules-only JSON record of every text."""
    extraction, reading = modules
    documents = [reading.document_from_text(text, uid, uid) for uid, text in items]

    def run() -> list[str]:
        return [
            json.dumps(extraction.build_record(d, extraction.analyse_rules(d), extraction.RULES_PIPELINE),
                       ensure_ascii=False)
            for d in documents
        ]

    return run


def main(old: Path, new: Path, rounds: int = typer.Option(7, help="Alternating timed rounds"),
         repeat: int = typer.Option(3, help="Copies of the annotated corpus per round")) -> None:
    items = corpus_texts(repeat)
    chars = sum(len(text) for _, text in items)
    with tempfile.TemporaryDirectory() as tmp:
        runs = {"old": record_lines(load_checkout(old.resolve(), "xxgk_old", Path(tmp)), items),
                "new": record_lines(load_checkout(new.resolve(), "xxgk_new", Path(tmp)), items)}
        # the pipeline name and version may differ between checkouts; everything else may not
        same = [a == b for a, b in zip(*(_without_version(runs[k]()) for k in runs))]
        print(f"{len(items)} texts, {chars:,} chars: {same.count(False)} records differ")
        best = dict.fromkeys(runs, float("inf"))
        for _ in range(rounds):
            for name, run in runs.items():
                started = time.process_time()
                run()
                best[name] = min(best[name], time.process_time() - started)
    for name, seconds in best.items():
        print(f"{name}: {chars / seconds:>10,.0f} chars/s  ({seconds * 1000 / (chars / 100_000):.1f} ms per 100k chars)")
    print(f"new / old speed: {best['old'] / best['new']:.2f}x")


def _without_version(lines: list[str]) -> list[str]:
    return [line.rsplit('"pipeline":', 1)[0] for line in lines]


if __name__ == "__main__":
    typer.run(main)
