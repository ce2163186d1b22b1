"""Mutation tests of the table parser: damaged real tables never put a wrong number in a cell.

Every real table in the corpus (``passages.jsonl`` passages guessed as tables) and the
Chongqing seed is mutated in the ways real reports break: a line deleted, a stray number or a
page mark inserted, two cells joined on one line (with or without a space), a line or a whole
row duplicated, a line or the whole text in the other script, full-width folded to ASCII. Each
cell the parser reads from a mutant must hold the value it holds in the original (or be
absent): a *shifted* cell is one whose value differs. The count of shifted cells must be 0.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from xxgk.checks import flatten
from xxgk.script import detect_script, fold, to_traditional
from xxgk.tables import parse_tables

FIXTURES = Path(__file__).parent / "fixtures" / "tables"
CORPUS = Path("/work/shared/corpus/passages.jsonl")
TABLE_GUESSES = {"tables", "applications_table", "review_table"}
MUTANTS_PER_TABLE = 36
SEED_MUTANTS = 150
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Table:
    """A real table text and the cells the parser reads from it unmutated."""

    id: str
    text: str
    cells: dict


@dataclass
class Mutant:
    table: str
    mutation: str
    text: str


@dataclass
class Shift:
    mutant: Mutant
    key: str
    original: object
    mutated: object

    def __str__(self) -> str:
        return (
            f"{self.mutant.table} [{self.mutant.mutation}] {self.key}: {self.original!r} -> {self.mutated!r}"
        )


def real_tables() -> list[Table]:
    """The seed (checked against its hand-written expected cells) and every corpus table passage."""
    seed = (FIXTURES / "seed-chongqing-ipo-2021.txt").read_text(encoding="utf8")
    expected = json.loads((FIXTURES / "seed-chongqing-ipo-2021.expected.json").read_text(encoding="utf8"))
    tables = [Table("seed-chongqing-ipo-2021", seed, flatten(expected["tables"]))]
    texts = {}
    if CORPUS.exists():
        for line in CORPUS.read_text(encoding="utf8").splitlines():
            record = json.loads(line)
            if record["meta"].get("section_guess") in TABLE_GUESSES:
                texts[record["id"]] = record["text"]
    for path in sorted(FIXTURES.glob("p*.json")):  # the fixtures are corpus passages too
        fixture = json.loads(path.read_text(encoding="utf8"))
        texts.setdefault(fixture["id"], fixture["text"])
    for id_, text in sorted(texts.items()):
        cells = flatten(parse_tables(text).tables)
        if cells:
            tables.append(Table(id_, text, cells))
    return tables


TABLES = real_tables()


def other_script(text: str) -> str:
    """Traditional text folded to Simplified character by character, Simplified text converted to
    Traditional (``to_simplified`` would also swap Taiwan vocabulary: 查詢 → 查找)."""
    return fold(text) if detect_script(text) == "traditional" else to_traditional(text)


def row_starts(lines: list[str]) -> list[int]:
    """Indices of lines that start a row: lines with a Chinese label."""
    return [i for i, line in enumerate(lines) if _CJK.search(line)]


def line_mutants(table: Table, rng: random.Random, n: int) -> Iterator[Mutant]:
    """``n`` random single-edit mutants of the table's lines."""
    lines = table.text.split("\n")
    starts = row_starts(lines) or [0]
    after_cells = [i + 1 for i, line in enumerate(lines) if line.strip()] or [0]
    for _ in range(n):
        kind = rng.choice(
            [
                "delete",
                "stray number",
                "page mark",
                "join",
                "glue",
                "duplicate line",
                "duplicate row",
                "line script",
            ]
        )
        i = rng.randrange(len(lines))
        new = list(lines)
        if kind == "delete":
            del new[i]
        elif kind == "stray number":  # right after a cell, so that it adds a cell, not fills a blank one
            i = rng.choice(after_cells)
            new.insert(i, str(rng.choice([0, 1, 7, 23, 416])))
        elif kind == "page mark":
            new.insert(i, rng.choice(["- 4 -", "P. 8", "— 12 —", "第 3 页"]))
        elif kind in ("join", "glue") and i + 1 < len(lines):
            new[i : i + 2] = [lines[i] + (" " if kind == "join" else "") + lines[i + 1]]
        elif kind == "duplicate line":
            new.insert(i, lines[i])
        elif kind == "duplicate row":
            k = rng.randrange(len(starts))
            end = starts[k + 1] if k + 1 < len(starts) else len(lines)
            new[end:end] = lines[starts[k] : end]
            i = starts[k]
        elif kind == "line script":
            new[i] = other_script(lines[i])
        yield Mutant(table.id, f"{kind} @ line {i}", "\n".join(new))


def whole_text_mutants(table: Table) -> Iterator[Mutant]:
    yield Mutant(table.id, "other script", other_script(table.text))
    yield Mutant(table.id, "folded", fold(table.text))
    yield Mutant(table.id, "CRLF blank lines", table.text.replace("\n", "\n\n"))


def all_mutants() -> Iterator[tuple[Table, Mutant]]:
    rng = random.Random(20261201)
    for table in TABLES:
        n = SEED_MUTANTS if table.id.startswith("seed-") else MUTANTS_PER_TABLE
        for mutant in [*whole_text_mutants(table), *line_mutants(table, rng, n)]:
            yield table, mutant


@dataclass
class Outcome:
    shifted: list[Shift]
    blanked: int  # cells read as blank because the mutant deleted a cell's line
    lost: int  # cells of the original the mutant does not give
    lost_silently: int  # ... without a warning, in a table of which the mutant still gives cells


def outcome(table: Table, mutant: Mutant) -> Outcome:
    """Compare the cells of a mutant with the original's.

    A deleted cell line in a layout with blank separator lines or ``|`` pieces leaves exactly
    what an empty cell looks like, so a deletion may turn a cell blank (``None``); any other
    difference (a number where the original had another number or a blank) is a shift.
    """
    result = parse_tables(mutant.text)
    cells = flatten(result.tables)
    deleted = mutant.mutation.startswith("delete")
    shifted, blanked = [], 0
    for key, value in cells.items():
        if key not in table.cells or value == table.cells[key]:
            continue
        if deleted and value is None:
            blanked += 1
        else:
            shifted.append(Shift(mutant, key, table.cells[key], value))
    lost = [key for key in table.cells if key not in cells]
    read = {key.split(".", 1)[0] for key in cells}
    silent = 0 if result.warnings else sum(1 for key in lost if key.split(".", 1)[0] in read)
    return Outcome(shifted, blanked, len(lost), silent)


def test_there_are_many_real_tables_to_mutate():
    assert len(TABLES) >= 20
    assert sum(len(t.cells) for t in TABLES) >= 1500


def test_no_mutant_shifts_a_number_into_another_cell():
    """Thousands of mutants; every cell read is the original value or absent."""
    mutants = blanked = lost = lost_silently = 0
    failures: list[Shift] = []
    for table, mutant in all_mutants():
        found = outcome(table, mutant)
        mutants += 1
        failures.extend(found.shifted)
        blanked += found.blanked
        lost += found.lost
        lost_silently += found.lost_silently
    print(
        f"\n{len(TABLES)} tables, {mutants} mutants, {len(failures)} shifted cells, {lost} cells absent "
        f"({lost_silently} without a warning), {blanked} blank after their line was deleted"
    )
    assert mutants >= 4000
    assert not failures, f"{len(failures)} shifted cells:\n" + "\n".join(map(str, failures[:60]))
    assert lost_silently == 0


@pytest.mark.parametrize("mutation", ["other script", "folded", "CRLF blank lines"])
def test_the_seed_reads_the_same_in_the_other_script_and_folded(mutation):
    seed = TABLES[0]
    mutant = next(m for m in whole_text_mutants(seed) if m.mutation == mutation)
    assert flatten(parse_tables(mutant.text).tables) == seed.cells


# ---------------------------------------------------------------- the mutants that once shifted cells

T2_LICENSING = "二、主动公开政府信息情况\n第二十条第(五)项 |\n信息内容 |\n上一年项目数量 |\n本年增/减 |\n处理决定数量 |\n|\n"


def test_a_row_separator_line_is_not_read_as_the_last_cell():
    """p0106 with a cell line deleted: the ``|`` line that ends every row is no empty cell."""
    rows = "行政许可 |\n339 |\n{}462 |\n|\n其他对外管理服务事项 |\n0 |\n0 |\n0 |\n|\n"
    complete = parse_tables(T2_LICENSING + rows.format("123 |\n")).tables["active"]["licensing"]
    assert complete == {"previous_items": 339, "change": 123, "decisions": 462}
    damaged = parse_tables(T2_LICENSING + rows.format(""))
    assert "licensing" not in damaged.tables["active"]
    assert any("licensing" in w or "行政许可" in w for w in damaged.warnings)


def test_a_stray_number_among_blank_cells_leaves_the_row_out():
    """p0164 with a stray number: three numbers and a blank are four cells for three columns."""
    rows = "其他对外管理服务事项\n|\n0\n|\n|\n0\n|\n"
    text = T2_LICENSING.replace(" |\n", "\n|\n") + rows
    assert parse_tables(text).tables["active"]["other_services"] == {
        "previous_items": 0, "change": None, "decisions": 0}  # fmt: skip
    damaged = parse_tables(text.replace("其他对外管理服务事项\n", "其他对外管理服务事项\n23\n"))
    assert "other_services" not in damaged.tables.get("active", {})
    assert any("4 values" in w or "3 values" in w for w in damaged.warnings)


def test_blank_cell_lines_after_a_label_are_cells_not_spacing():
    """p0093 with a stray number: blank cells written as ``|`` lines are never skipped to fit."""
    header = "三、收到和处理政府信息公开申请情况\n申请人情况 |\n自然人 |\n法人或其他组织 |\n总计 |\n商业企业 |\n科研机构 |\n社会公益组织 |\n法律服务机构 |\n其他 |\n|||||\n"
    row = "二、上年结转政府信息公开申请数量 |\n" + "|\n" * 6 + "0 |\n||\n"
    complete = parse_tables(header + row).tables["applications"]["carried_over"]
    assert complete["total"] == 0 and complete["research"] is None
    damaged = parse_tables(header + row.replace("|\n|\n|\n|\n", "|\n|\n|\n23\n|\n", 1))
    assert "carried_over" not in damaged.tables.get("applications", {})


def test_a_glued_number_keeps_its_own_offsets_when_the_label_goes_on():
    """Found by the property tests: ``行政处罚０`` then ``行`` on the next line."""
    text = "二、主动公开政府信息情况\n第二十条第(六)项\n信息内容本年处理决定数量\n行政处罚０\n行\n第二十条第(八)项\n"
    result = parse_tables(text)
    evidence = result.evidence["active.punishment.decisions"]
    assert text[evidence.start : evidence.end] == evidence.raw == "０"
    assert result.tables["active"]["punishment"]["decisions"] == 0


def test_a_row_whose_value_line_was_deleted_is_named_in_a_warning():
    """The seed with ``行政強制``'s only number deleted: the row is left out, and said so."""
    seed = TABLES[0]
    lines = seed.text.split("\n")
    at = lines.index("行政強制") + 1
    result = parse_tables("\n".join(lines[:at] + lines[at + 1 :]))
    assert "enforcement" not in result.tables["active"]
    assert any("行政強制" in w and "no cells" in w for w in result.warnings)
