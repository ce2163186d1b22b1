"""Turn quote-style annotation passes into offset spans (the formats.md record).

Input lines: {"id": "p0001", "ents": [["AGENCY", "湖北省知识产权局"], ["COUNT", "1件"], ...],
              "stmts": [["MEASURE", "进一步规范……实效"], ...]}
Quotes are exact substrings of the unit text, listed in text order within each layer: each quote is
searched from the end of the previous quote of the same layer, so repeated strings (``0件``) resolve
to successive occurrences. A quote may be given as [label, quote, skip] to skip ``skip`` further
occurrences. "ents": [] / "stmts": [] assert that the layer is empty.

Run: python annotations/tools/quotes_to_spans.py QUOTES.jsonl OUT.jsonl --annotator A
"""

import argparse
import json
from pathlib import Path

UNITS = Path(__file__).resolve().parents[1] / "units.jsonl"
ENTITY_LABELS = {"AGENCY", "YEAR", "COUNT"}
STATEMENT_LABELS = {"MEASURE", "PROBLEM"}


def resolve_layer(text: str, quotes: list, allowed: set[str], uid: str) -> list[dict]:
    spans, cursor = [], 0
    for item in quotes:
        label, quote, skip = (item + [0])[:3]
        if label not in allowed:
            raise ValueError(f"{uid}: label {label!r} not allowed in this layer")
        start = text.find(quote, cursor)
        for _ in range(skip):
            start = text.find(quote, start + 1)
        if start < 0 or not quote:
            raise ValueError(f"{uid}: quote {quote!r} not found after offset {cursor}")
        spans.append({"start": start, "end": start + len(quote), "label": label})
        cursor = start + len(quote)
    return spans


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("quotes")
    parser.add_argument("out")
    parser.add_argument("--annotator", required=True)
    args = parser.parse_args()
    units = {u["id"]: u for u in map(json.loads, UNITS.read_text(encoding="utf-8").splitlines())}
    records, errors = [], []
    for line in Path(args.quotes).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        unit = units[item["id"]]
        try:
            spans = resolve_layer(unit["text"], item.get("ents", []), ENTITY_LABELS, item["id"])
            spans += resolve_layer(unit["text"], item.get("stmts", []), STATEMENT_LABELS, item["id"])
        except ValueError as err:
            errors.append(str(err))
            continue
        meta = {**unit["meta"], "annotator": args.annotator}
        records.append({"id": unit["id"], "text": unit["text"], "spans": spans, "meta": meta})
    with open(args.out, "w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(records)} records written to {args.out}; {len(errors)} errors")
    for err in errors:
        print("ERROR", err)


if __name__ == "__main__":
    main()
