"""Build the annotation units: every corpus passage plus the two seed reports cut into passages.

Run: python annotations/build_units.py  (writes annotations/units.jsonl)
"""

import json
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SEEDS = {
    "chongqing-ipo-2021": ("重庆市知识产权局", 2021, "traditional"),
    "hubei-ipo-2016": ("湖北省知识产权局", 2016, "simplified"),
}
MAX_CHARS = 1200


def cut_on_lines(text: str, max_chars: int = MAX_CHARS) -> list[str]:
    """Greedy cut into consecutive line-aligned chunks of at most ``max_chars`` (a longer line stays whole)."""
    chunks, current = [], ""
    for line in text.splitlines(keepends=True):
        if current and len(current) + len(line) > max_chars:
            chunks.append(current)
            current = ""
        current += line
    if current:
        chunks.append(current)
    return chunks


def seed_units(name: str) -> list[dict]:
    agency, year, script = SEEDS[name]
    text = (CORPUS / f"seed-{name}.txt").read_text(encoding="utf-8")
    return [
        {"id": f"{name}#{i}", "text": chunk,
         "meta": {"source": f"corpus/seed-{name}.txt", "agency_guess": agency, "year_guess": year,
                  "script": script, "section_guess": None}}
        for i, chunk in enumerate(cut_on_lines(text))
    ]


def main() -> None:
    units = [json.loads(line) for line in (CORPUS / "passages.jsonl").open(encoding="utf-8")]
    for name in SEEDS:
        units.extend(seed_units(name))
    out = Path(__file__).with_name("units.jsonl")
    with out.open("w", encoding="utf-8") as f:
        for unit in units:
            f.write(json.dumps(unit, ensure_ascii=False) + "\n")
    print(f"{len(units)} units -> {out}")


if __name__ == "__main__":
    main()
