"""Build annotations/gold.jsonl: spans both passes agree on, plus the adjudicated disagreements,
then the consistency fixes in adjudication/consistency.jsonl (removals, then additions).

Run: python annotations/build_gold.py && xxgk annotations split annotations/gold.jsonl
"""

import json
from pathlib import Path

from xxgk.annotations import read_jsonl, validate_record, write_jsonl

HERE = Path(__file__).resolve().parent


def load_pass(name: str) -> dict[str, dict]:
    return {r["id"]: r for part in sorted((HERE / "passes" / name).glob("part[0-9].jsonl")) for r in read_jsonl(part)}


def load_decisions(part: str) -> tuple[list[dict], list[dict]]:
    disagreements = list(read_jsonl(HERE / "adjudication" / f"disagreements.part{part}.jsonl"))
    decisions = list(read_jsonl(HERE / "adjudication" / f"decisions.part{part}.jsonl"))
    by_n = {d["n"]: d for d in decisions if d.get("n") is not None}
    missing = [d["n"] for d in disagreements if d["n"] not in by_n]
    if missing:
        raise SystemExit(f"part {part}: no decision for disagreements {missing}")
    accepted = [d for d in disagreements if by_n[d["n"]]["decision"] == "accept"]
    added = [d for d in decisions if d["decision"] == "add"]
    return accepted, added


def main() -> None:
    first, second = load_pass("A"), load_pass("B")
    units = [json.loads(line) for line in (HERE / "units.jsonl").open(encoding="utf-8")]
    extra: dict[str, list[dict]] = {}
    for part in ("1", "2"):
        accepted, added = load_decisions(part)
        for span in accepted + added:
            extra.setdefault(span["id"], []).append({"start": span["start"], "end": span["end"], "label": span["label"]})
    # consistency fixes, applied after the adjudication decisions: removals, then additions
    consistency = list(read_jsonl(HERE / "adjudication" / "consistency.jsonl"))
    bad = [o for o in consistency if o["op"] not in ("add", "remove") or o["id"] not in {u["id"] for u in units}]
    if bad:
        raise SystemExit(f"consistency: bad operations {bad}")
    records, problems = [], []
    for unit in units:
        a = {(s["start"], s["end"], s["label"]) for s in first[unit["id"]]["spans"]}
        b = {(s["start"], s["end"], s["label"]) for s in second[unit["id"]]["spans"]}
        spans = a & b | {(s["start"], s["end"], s["label"]) for s in extra.get(unit["id"], [])}
        for op in (o for o in consistency if o["id"] == unit["id"] and o["op"] == "remove"):
            key = (op["start"], op["end"], op["label"])
            if key not in spans:
                raise SystemExit(f"consistency: removal does not match a gold span: {op}")
            spans.discard(key)
        spans |= {(o["start"], o["end"], o["label"]) for o in consistency if o["id"] == unit["id"] and o["op"] == "add"}
        meta = unit["meta"]
        record = {"id": unit["id"], "text": unit["text"],
                  "spans": [{"start": s, "end": e, "label": lab} for s, e, lab in sorted(spans)],
                  "meta": {"source": meta["source"], "section": meta.get("section_guess"),
                           "agency_guess": meta.get("agency_guess"), "year_guess": meta.get("year_guess"),
                           "script": meta.get("script"), "annotator": "A+B, adjudicated", "reviewed": True}}
        problems.extend(validate_record(record))
        records.append(record)
    for problem in problems:
        print("PROBLEM", problem)
    n = write_jsonl(HERE / "gold.jsonl", records)
    print(f"{n} records, {sum(len(r['spans']) for r in records)} spans -> {HERE / 'gold.jsonl'}; "
          f"{len(problems)} problems")


if __name__ == "__main__":
    main()
