"""Coverage-guided fuzzing of the table parser and its checks (atheris / libFuzzer).

    .venv/bin/python tests/fuzz/fuzz_tables.py -max_total_time=60 [CORPUS_DIR ...]

Without a corpus directory, one is seeded from the table fixtures and the Chongqing seed.
Inputs are UTF-8 (undecodable bytes become U+FFFD). A crash is an exception or a broken
invariant: values are numbers or None, evidence offsets point at the cell's own text, a failed
check names only parsed cells with numbers.
"""

import math
import sys

import atheris

with atheris.instrument_imports():
    from xxgk.checks import flatten
    from xxgk.records import Grid
    from xxgk.tables import parse_tables

from seeds import seed_corpus  # noqa: E402


def check(text: str, result) -> None:
    cells = flatten(result.tables)
    for key, value in cells.items():
        assert value is None or (type(value) in (int, float) and math.isfinite(value)), (key, value)
        evidence = result.evidence[key]
        if evidence.start is not None:
            assert 0 <= evidence.start <= evidence.end <= len(text), (key, evidence)
            assert text[evidence.start : evidence.end] == evidence.raw, (key, evidence)
    assert result.format in (None, "2019", "2021", "mixed")
    for item in result.checks:
        if not item.ok:
            assert all(type(v) in (int, float) for v in item.cells.values()), item
            assert all(cells.get(k, v) == v for k, v in item.cells.items()), item


def TestOneInput(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    check(text, parse_tables(text))
    if data[:1] == b"G":  # the same text as a grid: lines are rows, tabs or | separate cells
        rows = [line.replace("\t", "|").split("|") for line in text[1:].split("\n")]
        parse_tables("", [Grid(rows=rows)])


def main() -> None:
    argv = list(sys.argv)
    if not [a for a in argv[1:] if not a.startswith("-")]:
        argv.append(str(seed_corpus("tables")))
    atheris.Setup(argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
