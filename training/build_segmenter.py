"""Train the project's redistributable pkuseg segmentation model.

Reference segmentation = jieba (MIT) with a domain dictionary, on the length-preserving folded
(Simplified, half-width) text, further split at every entity and statement boundary of the gold
annotations and of the weak labels, so that spaCy's token-aligned NER and span components can
represent every span. The reference is turned into pkuseg training files and
``spacy_pkuseg.train`` fits a model on it. Only PyPI packages are used; nothing is downloaded.

Run: python training/build_segmenter.py [--iterations 10] [--out training/segmenter/model]
"""

from __future__ import annotations

import json
import random
import tomllib
from pathlib import Path

import typer

from xxgk.script import fold

ROOT = Path(__file__).resolve().parents[1]
UNITS = ROOT / "annotations" / "units.jsonl"
GOLD = ROOT / "annotations" / "gold.jsonl"
TEMPLATES = ROOT / "xxgk" / "templates"
FIXED_TERMS = ["三安全一稳定", "三审三校", "一事一审", "政府信息公开", "政务公开", "依申请公开", "主动公开",
               "信息处理费", "行政复议", "行政诉讼", "规范性文件", "行政规范性文件", "门户网站"]


def domain_words() -> list[str]:
    """Agency names from the gazetteer, table-template labels and fixed expressions, folded."""
    words = set(FIXED_TERMS)
    gazetteer = TEMPLATES / "gazetteer.txt"
    if gazetteer.exists():
        words.update(w.strip() for w in gazetteer.read_text(encoding="utf-8").splitlines() if w.strip())
    for path in TEMPLATES.glob("*.toml"):
        words.update(_toml_strings(tomllib.loads(path.read_text(encoding="utf-8"))))
    return sorted(fold(w) for w in words if 2 <= len(w) <= 20 and not w.isascii())


def _toml_strings(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for v in data.values() for s in _toml_strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _toml_strings(v)]
    return []


def span_boundaries(texts: dict[str, str]) -> dict[str, set[int]]:
    """Offsets where a token must start or end: every boundary of the gold annotations, of both
    annotation passes and of the weak labels (extra cuts only split tokens, never hurt alignment)."""
    from xxgk.weak_labels import weak_annotate

    cuts: dict[str, set[int]] = {uid: set() for uid in texts}
    for path in [GOLD, *sorted((ROOT / "annotations" / "passes").glob("*/*.jsonl"))]:
        if path.exists() and not path.name.endswith(".quotes.jsonl"):
            for record in map(json.loads, path.open(encoding="utf-8")):
                if record.get("id") in cuts:
                    cuts[record["id"]].update(b for s in record.get("spans", []) for b in (s["start"], s["end"]))
    for uid, text in texts.items():
        weak = weak_annotate(text)
        cuts[uid].update(b for s in weak.entities + weak.statements for b in (s.start, s.end))
    return cuts


def reference_tokens(text: str, cuts: set[int], tokenizer) -> list[list[str]]:
    """Lines of reference words for ``text`` (original script), split at ``cuts``."""
    folded = fold(text)
    lines, offset = [], 0
    for line in folded.split("\n"):
        words, pos = [], offset
        for word in tokenizer.cut(line, HMM=True):
            start = pos
            pos += len(word)
            pieces = _split_at(start, pos, cuts)
            words.extend(text[a:b] for a, b in pieces)
        offset += len(line) + 1
        words = [w for w in (w.strip() for w in words) if w]
        if words:
            lines.append(words)
    return lines


def _split_at(start: int, end: int, cuts: set[int]) -> list[tuple[int, int]]:
    inner = sorted(c for c in cuts if start < c < end)
    bounds = [start, *inner, end]
    return list(zip(bounds, bounds[1:]))


def write_lines(path: Path, lines: list[list[str]]) -> None:
    path.write_text("".join(" ".join(words) + "\n" for words in lines), encoding="utf-8")


def main(
    out: Path = typer.Option(ROOT / "training" / "segmenter" / "model", help="Model directory"),
    iterations: int = typer.Option(10, help="pkuseg training iterations"),
    seed: int = typer.Option(0),
) -> None:
    import jieba
    import spacy_pkuseg

    texts = {u["id"]: u["text"] for u in map(json.loads, UNITS.open(encoding="utf-8"))}
    tokenizer = jieba.Tokenizer()
    words = domain_words()
    for word in words:
        tokenizer.add_word(word, freq=2000)
    cuts = span_boundaries(texts)
    ids = sorted(texts)
    random.Random(seed).shuffle(ids)
    n_test = max(1, len(ids) // 10)
    data_dir = out.parent / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    for name, part in (("test", ids[:n_test]), ("train", ids[n_test:])):
        lines = [ws for uid in part for ws in reference_tokens(texts[uid], cuts[uid], tokenizer)]
        write_lines(data_dir / f"{name}.txt", lines)
        (data_dir / f"{name}.ids").write_text("\n".join(part) + "\n", encoding="utf-8")
    (out.parent / "user_dict.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    spacy_pkuseg.train(str(data_dir / "train.txt"), str(data_dir / "test.txt"), str(out), train_iter=iterations)
    print(f"{len(words)} domain words; model written to {out}")


if __name__ == "__main__":
    typer.run(main)
