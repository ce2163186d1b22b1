"""Compare segmenters: char, the research-only pkuseg ``default`` model (local comparison only,
never bundled) and the project's model (training/segmenter/model).

For each: word P/R/F against the held-out reference segmentation (jieba + domain dictionary +
annotation boundaries, training/segmenter/data/test.txt), the share of gold span boundaries that
fall on token boundaries (what token-aligned NER needs; annotations/gold.jsonl or both passes),
and speed in chars/s on the same texts.

Run: python evaluate/bench_segmenters.py [--default-model /path/to/pkuseg/models/default]
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import typer

ROOT = Path(__file__).resolve().parents[1]
SEGMENTER = ROOT / "training" / "segmenter"


def reference_lines() -> list[list[str]]:
    return [line.split() for line in (SEGMENTER / "data" / "test.txt").read_text(encoding="utf-8").splitlines()
            if line.strip()]


def word_spans(words: list[str]) -> set[tuple[int, int]]:
    spans, pos = set(), 0
    for word in words:
        spans.add((pos, pos + len(word)))
        pos += len(word)
    return spans


def word_prf(segment, lines: list[list[str]]) -> dict[str, float]:
    tp = n_pred = n_gold = 0
    for words in lines:
        gold = word_spans(words)
        pred = word_spans([w for w in segment("".join(words)) if w.strip()])
        tp += len(gold & pred)
        n_pred += len(pred)
        n_gold += len(gold)
    p, r = tp / n_pred, tp / n_gold
    return {"p": round(p, 4), "r": round(r, 4), "f": round(2 * p * r / (p + r), 4)}


def gold_records() -> list[dict]:
    gold = ROOT / "annotations" / "gold.jsonl"
    paths = [gold] if gold.exists() else sorted((ROOT / "annotations" / "passes" / "A").glob("part*[0-9].jsonl"))
    test_ids = set((SEGMENTER / "data" / "test.ids").read_text(encoding="utf-8").split())
    return [r for p in paths for r in map(json.loads, p.open(encoding="utf-8")) if r["id"] in test_ids]


def boundary_alignment(segment, records: list[dict]) -> float:
    """Share of gold spans whose start and end both fall on token boundaries."""
    aligned = total = 0
    for record in records:
        text = record["text"]
        bounds, pos = {0}, 0
        for word in segment(text):
            start = text.find(word, pos) if word else pos
            if start < 0:
                continue
            bounds.update((start, start + len(word)))
            pos = start + len(word)
        bounds.add(len(text))
        for span in record.get("spans", []):
            total += 1
            aligned += span["start"] in bounds and span["end"] in bounds
    return round(aligned / total, 4) if total else 0.0


def speed(segment, texts: list[str]) -> float:
    started = time.perf_counter()
    for text in texts:
        segment(text)
    return sum(map(len, texts)) / (time.perf_counter() - started)


def main(default_model: Path = typer.Option(None, help="pkuseg 'default' model dir (research-only)")) -> None:
    import spacy_pkuseg

    segmenters = {"char": list}
    if default_model:
        segmenters["pkuseg default"] = spacy_pkuseg.pkuseg(str(default_model)).cut
    segmenters["project model"] = spacy_pkuseg.pkuseg(str(SEGMENTER / "model")).cut
    lines, records = reference_lines(), gold_records()
    texts = [r["text"] for r in records]
    rows = []
    for name, segment in segmenters.items():
        prf = word_prf(segment, lines)
        rows.append((name, prf["p"], prf["r"], prf["f"], boundary_alignment(segment, records),
                     speed(segment, texts)))
    print(f"{len(lines)} reference lines, {len(records)} gold units, {sum(map(len, texts)):,} chars")
    print("| segmenter | word P | word R | word F | gold spans aligned | chars/s |")
    print("|---|---|---|---|---|---|")
    for name, p, r, f, aligned, cps in rows:
        print(f"| {name} | {p:.3f} | {r:.3f} | {f:.3f} | {aligned:.3f} | {cps:,.0f} |")


if __name__ == "__main__":
    typer.run(main)
