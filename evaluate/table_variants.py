"""Generated reports that render tables 二/三/四 in the variants of report-variants.md §7, scored cell
by cell against the values they were written with.

    python evaluate/table_variants.py [--seed 0] [--per-variant 3] [--write-fixtures DIR] [--show 10]

Each report (title, sections 一…六, narrative) carries tables whose true values are drawn from a
seeded generator: zeros, blanks, N/A marks, large counts with separators, signed changes, 万元
decimals, totals that add up. The rows, columns, keys and labels come from
``xxgk/templates/tables.toml`` through ``xxgk.tables.load_templates()``; only the layout of the
headers (report-format.md §3–5) and the renderings (report-variants.md §7) are written here. A
variant is a format (2019, 2021, stale or hybrid 表二, pre-2019), content changes (§7.1, §7.3–7.8)
and the renderings it is read in: flattened text layouts (§7.2), an HTML page with
rowspan/colspan, a DOCX with merged cells (python-docx) or a PDF with ruled tables (fpdf2), the
last three read through ``xxgk.reading``. ``--per-variant`` reports are made of each variant in
each of its renderings.

Every expected cell of ``parse_tables`` is then

- right: the value written (a blank or N/A mark read as null);
- WRONG: another value; a cell the report does not have (spurious) counts here too;
- absent-warned: not read, and a warning of its table says why (the standard of
  tests/test_tables_variants.py);
- absent-silent: not read, and no warning of its table.

The project's standard: "a table cell is either right or absent with a warning", so the script
prints one line per variant and the totals, and exits 1 if any cell is WRONG or SILENT, outside
the variants marked as known failures (``Variant.known_failure`` says what goes wrong there).
``--write-fixtures DIR`` writes the text reports with WRONG or SILENT cells as fixtures in the
shape of ``tests/fixtures/tables_variants`` (``unreadable``: the cells the rendering loses), for
``tests/test_tables_variants.py`` once the parser reads them.
"""

from __future__ import annotations

import json
import random
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import opencc
import typer

from xxgk.checks import flatten
from xxgk.reading import html_document, read_path
from xxgk.records import TableResult
from xxgk.tables import Label, load_templates, parse_tables

# ---------------------------------------------------------------------------------------------
# What the template keeps as a matching prefix or alias, in the official form (report-format.md
# §3–4), and the header cells that name no key.

FULL_LABELS = {
    "(二)部分公开": "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",
    "3.危及三安全一稳定": "3.危及“三安全一稳定”",
    "1.申请人无正当理由逾期不补正": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "本年收费金额": "本年收费金额(单位:万元)",
}
LABELS_2019 = {"normative_documents": "规范性文件"}  # §3.3: 行政规范性文件 from 2021 on
T3_NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"
T3_APPLICANTS, T3_ORGANISATIONS = "申请人情况", "法人或其他组织"
SUBTOTAL_COLUMN = "法人或其他组织小计"
T4_REVIEW, T4_LITIGATION = "行政复议", "行政诉讼"
T4_GROUP_LABELS = {"litigation_direct": "未经复议直接起诉", "litigation_after_review": "复议后起诉"}
HEADINGS = {
    "overview": "一、总体情况",
    "active": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}
HEADING_VARIANTS = {  # §7.8
    "problems": "五、政府信息公开工作存在的主要问题及改进情况",
    "review_litigation": "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
}
AGENCIES = (
    "山东省威海市文登区住房和城乡建设局",
    "江苏省常州市金坛区住房和城乡建设局",
    "湖南省岳阳市南湖新区自然资源局",
    "重庆市知识产权局",
    "广东省陆丰市河东镇人民政府",
    "吉林省公主岭市档案局",
)
# A few characters of the labels with the glosses a pinyin mirror puts after them (§7.7).
PINYIN = {
    "政": "zhèng", "府": "fǔ", "信": "xìn", "息": "xī", "数": "shù", "量": "liàng", "规": "guī",
    "章": "zhāng", "结": "jié", "转": "zhuǎn", "公": "gōng", "开": "kāi", "申": "shēn", "请": "qǐng",
    "总": "zǒng", "年": "nián", "项": "xiàng", "处": "chǔ", "理": "lǐ", "件": "jiàn", "费": "fèi",
}
GLOSS = re.compile(r"\((?:" + "|".join(PINYIN.values()) + r")\)")


# ---------------------------------------------------------------------------------------------
# The template, as read from tables.toml


@dataclass(frozen=True)
class BlockSpec:
    """A 表二 block: its caption, its columns by format as (key, label), its rows as (key, label,
    the formats it exists in)."""

    caption: str
    columns: dict[str, list[tuple[str, str]]]
    rows: list[tuple[str, str, tuple[str, ...]]]


@dataclass(frozen=True)
class Spec:
    """Keys and labels of the three tables, in template order."""

    blocks: dict[str, BlockSpec]
    header: str  # 信息内容
    app_columns: list[tuple[str, str]]
    app_rows: list[tuple[str, str, tuple[str, ...]]]  # (key, label, formats)
    groups: dict[str, tuple[str, str]]  # group key → (label, leaf row key)
    review_groups: list[str]
    review_columns: list[tuple[str, str]]


def official(form: str) -> str:
    return FULL_LABELS.get(form, form)


@lru_cache(maxsize=1)
def spec() -> Spec:
    """The template of ``load_templates()``: every label at its longest alias (the official one)."""
    templates = load_templates()
    forms: dict[Label, str] = {}
    for entries in templates.labels.values():
        for form, labels in entries:
            for label in labels:
                if len(form) > len(forms.get(label, "")):
                    forms[label] = form
    by = {(label.table, label.kind, label.block, label.key): form for label, form in forms.items()}
    blocks = {}
    for item, block in templates.blocks.items():
        columns = {
            fmt: [(c.key, official(c.labels[0])) for c in cols] for fmt, cols in block.columns.items()
        }
        rows = [(key, by[("active", "row", item, key)], formats) for key, formats in block.rows.items()]
        blocks[item] = BlockSpec(by[("active", "caption", item, "")], columns, rows)
    return Spec(
        blocks=blocks,
        header=by[("active", "header", "", "")],
        app_columns=[(c.key, c.labels[0]) for c in templates.applications_columns],
        app_rows=[
            (key, official(by[("applications", "row", "", key)]), formats)
            for key, formats in templates.application_rows.items()
        ],
        groups={key: (templates.group_forms[key][0], g.leaf) for key, g in templates.groups.items()},
        review_groups=templates.review_groups,
        review_columns=[(c.key, c.labels[0]) for c in templates.review_columns],
    )


# ---------------------------------------------------------------------------------------------
# Tables as grids of cells: what a web page or a Word document holds


@dataclass
class GridCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    key: str | None = None  # the table key of a value cell
    truth: Any = None  # its true value (None: blank or N/A)
    kind: str = "label"  # label | value (a number of the table, with or without a key)


@dataclass
class Table:
    rows: list[list[GridCell]]  # the cells that start on each row, left to right
    lost: dict[str, Any] = field(default_factory=dict)  # cells the rendering loses → true values

    def values(self) -> Iterator[GridCell]:
        return (cell for row in self.rows for cell in row if cell.key)


@dataclass
class Report:
    """A report as blocks: paragraphs (lines of text) and tables."""

    blocks: list[str | Table]
    unreadable: set[str] = field(default_factory=set)  # keys a rendering leaves unreadable

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def expected(self) -> dict[str, Any]:
        cells = {c.key: c.truth for t in self.tables() for c in t.values()}
        for table in self.tables():
            cells.update(table.lost)
        return cells


def place(table: Table) -> list[list[tuple[GridCell, bool]]]:
    """The grid positions of each row up to its last cell: (the cell covering it, whether the cell
    starts there)."""
    grid: dict[tuple[int, int], tuple[GridCell, bool]] = {}
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while (r, c) in grid:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    grid[(r + dr, c + dc)] = (cell, dr == dc == 0)
            c += cell.colspan
    width = {r: c + 1 for r, c in sorted(grid)}
    return [[grid.get((r, c), (GridCell(""), True)) for c in range(width[r])] for r in range(len(table.rows))]


# ---------------------------------------------------------------------------------------------
# True values


def count(rng: random.Random, large: bool = False) -> int:
    """A count: zero half the time, small mostly, now and then large."""
    roll = rng.random()
    if roll < 0.5:
        return 0
    if large and roll > 0.9:
        return rng.randint(10_000, 12_000_000)
    return rng.randint(1, 20) if roll < 0.98 else rng.randint(100, 5000)


def money(rng: random.Random) -> tuple[str, float]:
    """An amount in 万元 with 0 to 6 decimals, as written and as a number."""
    text = f"{rng.uniform(0, 500):.{rng.randint(0, 6)}f}"
    return text, float(text)


def value(key: str, number: int | float, text: str | None = None) -> GridCell:
    return GridCell(str(number) if text is None else text, key=key, truth=number, kind="value")


# ---------------------------------------------------------------------------------------------
# The three tables in a format


def active_table(rng: random.Random, formats: dict[str, str], large: bool) -> Table:
    """表二: one caption, header and rows per block, in the format each block follows."""
    s = spec()
    width = 1 + max(len(cols) for block in s.blocks.values() for cols in block.columns.values())
    rows: list[list[GridCell]] = []
    for item, block in s.blocks.items():
        fmt = formats.get(item)
        if fmt not in block.columns:
            continue
        cols = block.columns[fmt]
        rows.append([GridCell(block.caption, colspan=width)])
        rows.append([GridCell(s.header)] + spanned([GridCell(label) for _, label in cols], width - 1))
        for key, label, only in block.rows:
            if only and fmt not in only:
                continue
            label = LABELS_2019.get(key, label) if fmt == "2019" else label
            cells = [active_value(rng, f"active.{key}.{column}", column, item, large) for column, _ in cols]
            rows.append([GridCell(label)] + spanned(cells, width - 1))
    return Table(rows)


def spanned(cells: list[GridCell], width: int) -> list[GridCell]:
    """Cells that fill ``width`` columns, the last one spanning what is left."""
    cells[-1].colspan += width - len(cells)
    return cells


def active_value(rng: random.Random, key: str, column: str, item: str, large: bool) -> GridCell:
    if column == "change":
        number = rng.choice([0, rng.randint(-600, -1), rng.randint(1, 30)])
        return value(key, number, f"+{number}" if number > 0 and rng.random() < 0.3 else None)
    if column == "amount_wan_yuan":
        text, number = money(rng)
        return value(key, number, text if item == "八" else text + "万元")  # 2019 (九): no header unit
    number = count(rng, large)
    return value(key, number, f"{number:,}" if large else None)


def applications_table(rng: random.Random, fmt: str, subtotal_rows: bool, subtotal_column: bool) -> Table:
    """表三 as in report-format.md §4.1: the note over three label columns, then one row per template
    row; 三、本年度办理结果 and the groups (三)–(六) are tall cells on the left. Local additions
    (§7.6): a subtotal row on each group's label, a 法人或其他组织小计 column before 总计."""
    s = spec()
    columns = [key for key, _ in s.app_columns]
    labels = [label for _, label in s.app_columns]
    width = len(columns) + subtotal_column
    header = [
        [GridCell(T3_NOTE, rowspan=3, colspan=3), GridCell(T3_APPLICANTS, colspan=width)],
        [GridCell(labels[0], rowspan=2), GridCell(T3_ORGANISATIONS, colspan=width - 2),
         GridCell(labels[-1], rowspan=2)],
        [GridCell(label) for label in labels[1:-1]] + [GridCell(SUBTOTAL_COLUMN)] * subtotal_column,
    ]
    rows = [(key, label) for key, label, only in s.app_rows if not only or fmt in only]
    numbers = application_numbers(rng, [key for key, _ in rows], columns)
    body = []
    for key, label_cells in application_labels(rows, subtotal_rows):
        if key.endswith(".subtotal"):
            group = key.split(".")[0] + "."
            row = {c: sum(n[c] for k, n in numbers.items() if k.startswith(group)) for c in columns}
            cells = [GridCell(str(row[c]), kind="value") for c in columns]
        else:
            row = numbers[key]
            cells = [value(f"applications.{key}.{c}", row[c]) for c in columns]
        if subtotal_column:
            cells.insert(-1, GridCell(str(sum(row[c] for c in columns[1:-1])), kind="value"))
        body.append(label_cells + cells)
    return Table(header + body)


def application_labels(rows: list[tuple[str, str]], subtotal_rows: bool) -> list[tuple[str, list[GridCell]]]:
    """The label cells of each 表三 row, by row key (``<group>.subtotal`` for a subtotal row)."""
    s = spec()
    leaves = {leaf for _, leaf in s.groups.values()}
    inner = [key for key, label in rows if not re.match("[一二三四]、", label)]
    out: list[tuple[str, list[GridCell]]] = []
    for key, label in rows:
        group = key.split(".")[0]
        members = [k for k in inner if k.startswith(group + ".") and k not in leaves]
        if key not in inner:
            out.append((key, [GridCell(label, colspan=3)]))
            continue
        if subtotal_rows and members and key == members[0]:
            out.append((f"{group}.subtotal", [GridCell(s.groups[group][0], colspan=2)]))
        if not members or subtotal_rows:
            out.append((key, [GridCell(label, colspan=2)]))
        elif key == members[0]:
            out.append((key, [GridCell(s.groups[group][0], rowspan=len(members)), GridCell(label)]))
        else:
            out.append((key, [GridCell(label)]))
    results = [i for i, (key, _) in enumerate(out) if key in inner or key.endswith(".subtotal")]
    out[results[0]][1].insert(0, GridCell(s.groups["results"][0], rowspan=len(results)))
    return out


def application_numbers(rng: random.Random, rows: list[str], columns: list[str]) -> dict[str, dict[str, int]]:
    """Counts per row and column that satisfy the template's identities (report-format.md §4.3)."""
    *counted, total = columns
    leaves = rows[2:-2]
    numbers = {key: {c: count(rng) for c in counted} for key in leaves}
    numbers["processed_total"] = {c: sum(numbers[k][c] for k in leaves) for c in counted}
    numbers["carried_forward"] = {c: rng.choice([0, rng.randint(0, 5)]) for c in counted}
    done = {c: numbers["processed_total"][c] + numbers["carried_forward"][c] for c in counted}
    numbers["carried_over"] = {c: rng.randint(0, done[c]) if rng.random() < 0.4 else 0 for c in counted}
    numbers["new_received"] = {c: done[c] - numbers["carried_over"][c] for c in counted}
    for row in numbers.values():
        row[total] = sum(row.values())
    return numbers


def review_table(rng: random.Random) -> Table:
    """表四 as in report-format.md §5: two header rows of groups, the columns, then 15 numbers."""
    s = spec()
    columns = [label for _, label in s.review_columns]
    width = len(columns)
    rows = [
        [GridCell(T4_REVIEW, colspan=width), GridCell(T4_LITIGATION, colspan=2 * width)],
        [GridCell(label, rowspan=2) for label in columns]
        + [GridCell(T4_GROUP_LABELS[g], colspan=width) for g in s.review_groups[1:]],
        [GridCell(label) for label in columns * 2],
    ]
    numbers = []
    for group in s.review_groups:
        counts = [count(rng) for _ in columns[:-1]]
        keys = [f"review_litigation.{group}.{key}" for key, _ in s.review_columns]
        numbers += [value(k, n) for k, n in zip(keys, [*counts, sum(counts)], strict=True)]
    return Table(rows + [numbers])


# ---------------------------------------------------------------------------------------------
# Whole reports


FORMATS = {  # the format each 表二 block follows, and 表三's
    "2019": ({"一": "2019", "五": "2019", "六": "2019", "八": "2019", "九": "2019"}, "2019"),
    "2021": ({"一": "2021", "五": "2021", "六": "2021", "八": "2021"}, "2021"),
    "stale": ({"一": "2019", "五": "2019", "六": "2019", "八": "2019", "九": "2019"}, "2021"),  # §7.5
    "hybrid": ({"一": "2019", "五": "2021", "六": "2021", "八": "2021"}, "2021"),  # §7.5 rwldrm
}


def report_year(rng: random.Random, fmt: str) -> int:
    return rng.choice([2019, 2020]) if fmt == "2019" else rng.randint(2021, 2024)


def make_report(
    rng: random.Random, fmt: str, large: bool = False, subtotal_rows: bool = False, subtotal_column: bool = False
) -> Report:
    """A report of ``fmt`` (a key of FORMATS): title, the six sections, the three tables."""
    agency, year = rng.choice(AGENCIES), report_year(rng, fmt)
    active_formats, app_format = FORMATS[fmt]
    published, requests = rng.randint(100, 2000), rng.randint(0, 40)
    return Report([
        f"{agency}{year}年政府信息公开工作年度报告\n",
        HEADINGS["overview"],
        f"{year}年,{agency}深入贯彻落实《中华人民共和国政府信息公开条例》,全年主动公开政府信息{published}条。\n"
        f"依申请公开方面,全年共收到政府信息公开申请{requests}件,均在法定期限内答复。",
        HEADINGS["active"],
        active_table(rng, active_formats, large),
        HEADINGS["applications"],
        applications_table(rng, app_format, subtotal_rows, subtotal_column),
        HEADINGS["review_litigation"],
        review_table(rng),
        HEADINGS["problems"],
        f"一是公开内容还不够全面,部分栏目更新不及时;二是政策解读形式较为单一。{year + 1}年,我局将进一步加强培训。",
        HEADINGS["other"],
        f"本机关未收取信息处理费。无其他需要报告的事项。\n\n{agency}\n{year + 1}年1月20日",
    ])


def pre_2019_report(rng: random.Random) -> Report:
    """A 2008–2018 report (report-variants.md §8): statistics in the narrative and an indicators
    appendix, no table of the national format: no cell may be read."""
    agency, year = rng.choice(AGENCIES), rng.randint(2009, 2018)
    published, requests, consultations = rng.randint(50, 2000), rng.randint(0, 30), rng.randint(0, 900)
    appendix = Table([
        [GridCell(t) for t in ("指标名称", "计量单位", "本年度", "历年累计")],
        [GridCell(t) for t in ("主动公开信息数", "条", str(published), str(published * 5))],
        [GridCell(t) for t in ("受理依申请公开信息总数", "件", str(requests), str(requests * 4))],
        [GridCell(t) for t in ("行政复议数", "件", "0", "1")],
    ])
    return Report([
        f"{agency}{year}年政府信息公开工作年度报告\n",
        "一、概述",
        f"{year}年,我局认真贯彻《中华人民共和国政府信息公开条例》,全年主动公开政府信息{published}条。",
        "二、主动公开政府信息情况",
        f"全年主动公开政府信息{published}条,其中机构职能{published // 4}条。",
        "三、依申请公开政府信息情况",
        f"全年受理政府信息公开申请{requests}件,同意公开{requests}件;接受咨询{consultations}次。",
        "四、政府信息公开的收费及减免情况",
        "未收取任何费用。",
        "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
        "未发生因政府信息公开申请行政复议、提起行政诉讼的情况。",
        "六、存在的主要问题及改进措施",
        "公开内容还不够全面。",
        "附表:政府信息公开情况统计表",
        appendix,
    ])


# ---------------------------------------------------------------------------------------------
# Content variants (report-variants.md §7.1, §7.3–7.8): each changes a report in place


def full_width(rng: random.Random, report: Report) -> None:
    """§7.1 full-width punctuation, U+2002 or spaces before cells, `(三) 不予公开`, `—、`."""
    wide = str.maketrans({"(": "（", ")": "）", ":": "：", ",": "，"})
    for table in report.tables():
        for cell in (c for row in table.rows for c in row):
            if cell.kind == "value":
                cell.text = rng.choice(["", " ", "\u2002", "  "]) + cell.text if cell.text else cell.text
            else:
                cell.text = re.sub(r"^(\([三四五六]\))", r"\1 ", cell.text).translate(wide)
    report.blocks = [b.replace("一、", "—、", 1) if b == HEADINGS["overview"] else b for b in report.blocks]


def letter_spacing(rng: random.Random, report: Report) -> None:
    """§7.1 PDF letter-spacing in 表三's header cells (`商 业 企 业`)."""
    for row in report.tables()[1].rows[:3]:
        for cell in row:
            if len(cell.text) <= 6:
                cell.text = " ".join(cell.text)


def glued_cells(rng: random.Random, report: Report) -> None:
    """§7.2 表二 cells glued to the label with no separator (`规章000`, dazhu 2019): a row of several
    numbers cannot be split; a single number can, with a warning."""
    table = report.tables()[0]
    for row in table.rows:
        cells = [c for c in row if c.key]
        if cells:
            width = sum(c.colspan for c in row)
            row[:] = [GridCell(row[0].text + "".join(c.text for c in cells), colspan=width)]
            table.lost.update({c.key: c.truth for c in cells})
            if len(cells) > 1:
                report.unreadable.update(c.key for c in cells)


def labels_only(rng: random.Random, report: Report) -> None:
    """§7.2 labels with no values (the tables are images, or the values were lost: xiongxian 2019)."""
    for table in report.tables():
        for row in table.rows:
            cells = [c for c in row if c.key]
            table.lost.update({c.key: c.truth for c in cells})
            report.unreadable.update(c.key for c in cells)
            row[:] = [c for c in row if not c.key]
        table.rows = [row for row in table.rows if row]


def repeated_headers_dropped(rng: random.Random, report: Report) -> None:
    """§7.2 a crawler that dropped repeated lines: 表二 header rows seen before vanish (xiongxian 2019)."""
    seen: set[tuple[str, ...]] = set()
    table = report.tables()[0]
    kept = []
    for row in table.rows:
        texts = tuple(c.text for c in row)
        if texts[0] == spec().header and texts in seen:
            continue
        seen.add(texts)
        kept.append(row)
    table.rows = kept


def blank_zeros(rng: random.Random, report: Report) -> None:
    """§7.3 blank for zero (Shanghai's &nbsp;, xuwen's `| 0 | | |`): blank means not filled in."""
    for table in report.tables()[1:]:
        for cell in table.values():
            if cell.truth == 0 and rng.random() < 0.5:
                cell.text, cell.truth = "", None


def blank_totals(rng: random.Random, report: Report) -> None:
    """§7.3 the 总计 column blank on 表三's sub-rows (Shanghai 2019)."""
    for row in report.tables()[1].rows[3:]:
        key = row[-1].key or ""
        if any(key.startswith(f"applications.{g}.") for g in ("denied", "unable", "not_processed")):
            row[-1].text, row[-1].truth = "", None


def na_marks(rng: random.Random, report: Report) -> None:
    """§7.3 `/` for 规章 (no rule-making power), `-` for 行政强制, `无` cells."""
    marks = {"active.rules.": "/", "active.enforcement.": "-", "review_litigation.litigation_direct.": "无"}
    for cell in (c for t in report.tables() for c in t.values()):
        mark = next((m for prefix, m in marks.items() if cell.key.startswith(prefix)), None)
        if mark and cell.truth == 0:
            cell.text, cell.truth = mark, None


def none_tables(rng: random.Random, report: Report) -> None:
    """§7.3 `无。` written instead of 表四 (jintan 2019): that table has no cells to read."""
    report.blocks[report.blocks.index(report.tables()[2])] = rng.choice(["无。", "无"])


def merged_row(rng: random.Random, report: Report) -> None:
    """§7.3 one merged cell for a whole 表三 row (tufwp 2021): one number where seven belong."""
    table = report.tables()[1]
    row = rng.choice([r for r in table.rows[3:] if r[-1].key])
    cells = [c for c in row if c.key]
    row[len(row) - len(cells) :] = [GridCell(cells[-1].text if rng.random() < 0.5 else "0", colspan=len(cells))]
    table.lost.update({c.key: c.truth for c in cells})
    report.unreadable.update(c.key for c in cells)


def dropped_blanks(rng: random.Random, report: Report) -> None:
    """§7.3 blank cells dropped (yueyang-nanhu, lufengshi, dyrmt): rows with too few values."""
    blank_zeros(rng, report)
    for table in report.tables()[1:]:
        for row in table.rows:
            blanks = [c for c in row if c.key and c.truth is None]
            if blanks:
                row[:] = [c for c in row if c not in blanks]
                table.lost.update({c.key: None for c in blanks})
                report.unreadable.update(c.key for c in row if c.key)
                report.unreadable.update(c.key for c in blanks)


def number_forms(rng: random.Random, report: Report) -> None:
    """§7.4 signed changes written `增13`, `减3`, `--253`; a money unit inside the cell."""
    for cell in report.tables()[0].values():
        if cell.key.endswith(".change") and cell.truth:
            sign = rng.choice(["增", "+"] if cell.truth > 0 else ["减", "-", "--"])
            cell.text = f"{sign}{abs(cell.truth)}"
        elif cell.key == "active.procurement.amount_wan_yuan" and rng.random() < 0.5:
            cell.text = f"{round(cell.truth * 10000)}元"
            cell.truth = round(cell.truth * 10000) / 10000
        elif cell.key == "active.fees.amount_wan_yuan":
            cell.text += rng.choice(["万元", "(万)"])


def local_notes(rng: random.Random, report: Report) -> None:
    """§7.5 local notes inside headers, a missing 第 or 减, a local line after 表二."""
    notes = {
        "上一年项目数量": "上一年项目数量(指上年事项数)",
        "本年增/减": rng.choice(["本年增/减(指本年增加或减少的事项数,减用负值表示,如-8)", "本年增/"]),
        "第二十条第(五)项": "第二十条(五)项",
        "规章": "规章(设区的市以上政府填写)",
    }
    for cell in (c for row in report.tables()[0].rows for c in row if c.kind == "label"):
        cell.text = notes.get(cell.text, cell.text)
    index = report.blocks.index(HEADINGS["applications"])
    report.blocks.insert(index, "本年度本行政区域(或本部门)政府信息公开发布总数量(非新闻类、消息类):0")


def truncated(rng: random.Random, report: Report) -> None:
    """§7.5 a passage that ends inside 表三, its last label cut mid-word (`6.属于四类过程性信`): the rows
    after it are lost, and nothing follows."""
    table = report.tables()[1]
    cut = rng.randint(8, len(table.rows) - 3)
    for row in table.rows[cut:]:
        table.lost.update({c.key: c.truth for c in row if c.key})
        report.unreadable.update(c.key for c in row if c.key)
    label = [c for c in table.rows[cut] if c.kind == "label"][-1]
    table.rows[cut:] = [[GridCell(label.text[: max(2, len(label.text) - 2)])]]
    report.blocks = report.blocks[: report.blocks.index(table) + 1]


def traditional_taiwan(rng: random.Random, report: Report) -> None:
    """§7.7 full conversion with Taiwan vocabulary (OpenCC s2twp: 行政規範性檔案, 屬於)."""
    convert_text(report, converter("s2twp").convert)


def traditional_by_character(rng: random.Random, report: Report) -> None:
    """§7.7 character-by-character conversion with mixed forms (行政規范性文件, 屬于, 萬元)."""
    s2t = converter("s2t")
    convert_text(report, lambda text: "".join(s2t.convert(ch) if rng.random() < 0.7 else ch for ch in text))


def pinyin_mirror(rng: random.Random, report: Report) -> None:
    """§7.7 a spam mirror's pinyin after characters (`數(shù)量`, `政(zhèng)府(fǔ)`), Traditional."""
    s2t = converter("s2t")

    def gloss(text: str) -> str:
        return "".join(
            s2t.convert(ch) + (f"({PINYIN[ch]})" if ch in PINYIN and rng.random() < 0.5 else "") for ch in text
        )

    convert_text(report, gloss)


def convert_text(report: Report, convert: Callable[[str], str]) -> None:
    """Apply a script conversion to every paragraph and every label cell."""
    report.blocks = [b if isinstance(b, Table) else convert(b) for b in report.blocks]
    for cell in (c for t in report.tables() for row in t.rows for c in row if c.kind == "label"):
        cell.text = convert(cell.text)


@lru_cache(maxsize=4)
def converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def heading_variants(rng: random.Random, report: Report) -> None:
    """§7.8 heading wording variants; sub-items numbered 一、二、 inside 一、总体情况 (公主岭 2021)."""
    report.blocks = [HEADING_VARIANTS.get(k, b) for b in report.blocks for k in [heading_key(b)]]
    index = report.blocks.index(HEADINGS["overview"]) + 1
    report.blocks.insert(index, "一、主动公开情况\n全年主动公开文件12件。\n二、依申请公开情况\n全年收到申请3件。")


def heading_key(block: str | Table) -> str:
    return next((k for k, h in HEADINGS.items() if block == h), "")


def comma_labels(rng: random.Random, report: Report) -> None:
    """§4.2 a peer fixture's `，` instead of `、` in the 2021 (六) labels."""
    for cell in (c for row in report.tables()[1].rows for c in row if c.kind == "label"):
        if cell.text.startswith(("1.申请人", "2.申请人")):
            cell.text = cell.text.replace("、", ",")


# ---------------------------------------------------------------------------------------------
# Renderings of a table as text (report-variants.md §7.2): lines of a flattened page

Rendering = Callable[[Table, random.Random], list[str]]
TALL = 5  # rows a label cell spans from which a PDF prints it one character a line
WRAP = 22  # characters of a PDF table's label column
NARROW = 9  # the same in a narrow label column


def lines(table: Table, rng: random.Random) -> list[str]:
    """One cell a line in reading order; a blank cell is an empty line (CQ seed, rwldrm)."""
    return [cell.text for row in table.rows for cell in row]


def lines_page_marks(table: Table, rng: random.Random) -> list[str]:
    """One cell a line with page noise between cells (`- 4 -`, `P. 8`, `Page 3`, flipbook pages)."""
    out = lines(table, rng)
    for at in sorted(rng.sample(range(1, len(out)), min(3, len(out) - 1)), reverse=True):
        out.insert(at, rng.choice(["- 4 -", "P. 8", "Page 3", "第 2 页"]))
    return out


def lines_blank(table: Table, rng: random.Random) -> list[str]:
    """One cell a line with a blank line after each; a blank cell is one more empty line."""
    return [line for row in table.rows for cell in row for line in ([cell.text, ""] if cell.text else [""])]


def trailing_pipe(table: Table, rng: random.Random) -> list[str]:
    """One cell a line ending ` |`, and a row of `|` for the columns a row's cells span (ccxi)."""
    out = []
    for row in table.rows:
        out += [f"{cell.text} |" for cell in row]
        if spans := sum(cell.colspan - 1 for cell in row):
            out.append("|" * spans)
    return out


def pipe_rows(table: Table, rng: random.Random) -> list[str]:
    """A row a line, its cells between `|` (wendeng 2019)."""
    return [" | ".join(cell.text for cell in row) + " |" for row in table.rows]


def pipe_rows_spans(table: Table, rng: random.Random) -> list[str]:
    """A row a line with every grid position a cell: a spanned position is an empty cell."""
    return [
        " | ".join(cell.text if origin else "" for cell, origin in row) + " |" for row in place(table)
    ]


def pipe_rows_fillers(table: Table, rng: random.Random) -> list[str]:
    """A row a line; a spanned position is a bare `|` (`一、本年新收… ||| 0 ||||||`, bidaway 2022)."""
    return ["".join(f" {cell.text} |" if origin else "|" for cell, origin in row).strip() for row in place(table)]


def tab_rows(table: Table, rng: random.Random) -> list[str]:
    """A row a line, cells separated by tabs, as a web table copies out."""
    return ["\t".join(cell.text for cell in row) for row in table.rows]


def pdf_numbers_first(table: Table, rng: random.Random) -> list[str]:
    """PDF row lines (淮安市 2024): a wrapped label carries the numbers on its first line."""
    return pdf_rows(table, numbers_first=True)


def pdf_narrow_labels(table: Table, rng: random.Random) -> list[str]:
    """PDF row lines of a narrow label column, the numbers on a wrapped label's first line."""
    return pdf_rows(table, numbers_first=True, width=NARROW)


def pdf_numbers_last(table: Table, rng: random.Random) -> list[str]:
    """PDF row lines: the numbers after the last line of a wrapped label."""
    return pdf_rows(table, numbers_first=False)


def breaks(text: str) -> list[int]:
    """Where ``text`` may break across lines: anywhere but inside a pinyin gloss or before one (a
    gloss stays with its character), or after a digit (`1.`, `3、` stay whole)."""
    glued = {i for m in GLOSS.finditer(text) for i in range(m.start(), m.end())}
    return [i for i in range(1, len(text)) if i not in glued and not text[i - 1].isdigit()]


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters."""
    pieces = []
    while len(text) > width:
        cut = max(i for i in breaks(text) if i <= width)
        pieces.append(text[:cut].strip())
        text = text[cut:]
    return [*pieces, text.strip()]


def pdf_repeated_header(table: Table, rng: random.Random) -> list[str]:
    """PDF row lines with the table's first three rows repeated after a page break."""
    return pdf_rows(table, numbers_first=False, repeat_header=True)


def pdf_rows(table: Table, numbers_first: bool, repeat_header: bool = False, width: int = WRAP) -> list[str]:
    """A row a line: labels, then the numbers separated by spaces (blank cells vanish); tall label
    cells one character a line; long labels wrapped; a page mark inside long tables, after which
    the header may come again."""
    out = []
    for index, row in enumerate(table.rows):
        if index == 12:
            out.append("- 4 -")
            if repeat_header:
                out += pdf_rows(Table(table.rows[:3]), numbers_first, width=width)
        for cell in row:
            if cell.kind == "label" and cell.rowspan >= TALL:
                out += list(cell.text)
        labels = " ".join(c.text for c in row if c.kind == "label" and c.rowspan < TALL)
        numbers = " ".join(c.text.strip() for c in row if c.kind == "value" and c.text.strip())
        pieces = wrap(labels, width)
        if not numbers:
            out += pieces
        elif numbers_first:
            out += [f"{pieces[0]} {numbers}".strip(), *pieces[1:]]
        else:
            out += [*pieces[:-1], f"{pieces[-1]} {numbers}".strip()]
    return out


def split_headers(table: Table, rng: random.Random) -> list[str]:
    """One cell a line, header and tall label cells broken across lines (`本年新\\n制作数量`,
    `结果\\n纠正`, `(三)\\n\\n不予公开`, `自\\n然\\n人`)."""
    out = []
    for row in table.rows:
        header = not any(c.kind == "value" for c in row) and len(row) > 1
        for cell in row:
            text = cell.text
            cuts = breaks(text)
            if (header or cell.rowspan > 1) and cell.kind == "label" and len(text) <= 12 and cuts:
                cut = rng.choice(cuts)
                out += rng.choice([[text[:cut], text[cut:]], [text[:cut], "", text[cut:]]])
            elif header and len(text) == 3:
                out += list(text)
            else:
                out.append(text)
    return out


TEXT_RENDERINGS: dict[str, Rendering] = {
    f.__name__: f
    for f in (lines, lines_page_marks, lines_blank, trailing_pipe, pipe_rows, pipe_rows_spans,
              pipe_rows_fillers, tab_rows, pdf_numbers_first, pdf_numbers_last, pdf_repeated_header,
              split_headers, pdf_narrow_labels)
}
GRID_RENDERINGS = ("html", "docx")  # and "pdf", slower, in a few variants


def report_text(report: Report, rendering: str, rng: random.Random) -> str:
    render = TEXT_RENDERINGS[rendering]
    out = []
    for block in report.blocks:
        out += render(block, rng) if isinstance(block, Table) else block.split("\n")
    return "\n".join(out) + "\n"


def report_html(report: Report) -> str:
    """An HTML page: paragraphs, and tables with rowspan/colspan; a blank cell is `&nbsp;`."""
    body = []
    for block in report.blocks:
        if isinstance(block, Table):
            rows = "".join(
                "<tr>" + "".join(html_cell(c) for c in row) + "</tr>" for row in block.rows
            )
            body.append(f"<table border='1'>{rows}</table>")
        else:
            body += [f"<p>{escape(line)}</p>" for line in block.split("\n") if line]
    return "<html><head><meta charset='utf-8'></head><body>" + "".join(body) + "</body></html>"


def html_cell(cell: GridCell) -> str:
    spans = "".join(f" {name}='{n}'" for name, n in (("rowspan", cell.rowspan), ("colspan", cell.colspan)) if n > 1)
    return f"<td{spans}>{escape(cell.text) if cell.text.strip() else '&nbsp;'}</td>"


def write_docx(report: Report, path: Path) -> None:
    """A Word document: paragraphs, and tables whose spanning cells are merged cells (``gridSpan``
    across, ``vMerge`` down)."""
    import docx
    from docx.table import _Cell

    document = docx.Document()
    for block in report.blocks:
        if not isinstance(block, Table):
            for line in block.split("\n"):
                document.add_paragraph(line)
            continue
        grid = place(block)
        table = document.add_table(rows=len(grid), cols=max(map(len, grid)))
        for tr, row in zip(table._tbl.tr_lst, grid, strict=True):
            for c, tc in list(enumerate(tr.tc_lst))[: len(row)]:
                cell, origin = row[c]
                if c and row[c - 1][0] is cell:  # inside a cell that spans columns
                    tr.remove(tc)
                    continue
                tc.grid_span = cell.colspan
                if cell.rowspan > 1:
                    tc.vMerge = "restart" if origin else "continue"
                if origin:
                    _Cell(tc, table).text = cell.text
    document.save(str(path))


PDF_FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"  # a CJK font of this machine


def write_pdf(report: Report, path: Path) -> None:
    """A PDF (fpdf2): paragraphs, and ruled tables with merged cells, read back by pdfplumber."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("cjk", fname=PDF_FONT)
    pdf.set_font("cjk", size=6)
    pdf.add_page()
    for block in report.blocks:
        if not isinstance(block, Table):
            for line in block.split("\n"):
                pdf.multi_cell(0, 4, line, new_x="LMARGIN", new_y="NEXT")
            continue
        with pdf.table(first_row_as_headings=False, line_height=3) as table:
            for row in block.rows:
                cells = table.row()
                for cell in row:
                    cells.cell(cell.text, rowspan=cell.rowspan, colspan=cell.colspan)
    pdf.output(str(path))


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------------------------------------
# Variants: a format, content changes and renderings (probes take them in turn)

Change = Callable[[random.Random, Report], None]


@dataclass(frozen=True)
class Variant:
    name: str
    source: str  # what of the spec it renders
    renderings: tuple[str, ...]
    formats: tuple[str, ...] = ("2019", "2021")
    changes: tuple[Change, ...] = ()
    options: tuple[tuple[str, bool], ...] = ()  # make_report's local additions
    known_failure: str = ""  # why the parser gets cells of this variant WRONG or SILENT today


# The narrow label column only on the plain template: it wraps glued cells (§7.2) inside a number
ALL_TEXT = tuple(r for r in TEXT_RENDERINGS if r != "pdf_narrow_labels")
ALL = ALL_TEXT + GRID_RENDERINGS
TEXT_AND_HTML = (*ALL_TEXT, "html")  # where a Word table adds nothing the HTML grid does not test
# A grid (HTML, DOCX) pads a short row with empty cells, and pipe rows with every position a cell
# write a merged cell's positions as empty cells: there a lost cell is a blank one.
UNPADDED = ALL_TEXT
SPAN_MARKS = ("trailing_pipe", "pipe_rows_spans")  # layouts that write a spanned cell's columns
UNSPANNED = tuple(r for r in ALL if r != "pipe_rows_spans")
def first_line(function: Callable) -> str:
    return (function.__doc__ or "").split("\n")[0].rstrip(".")


VARIANTS = (
    # §7.2 the flattened layouts themselves, and the grids, on the plain template
    *(Variant(f"7.2-{name}", f"§7.2 {first_line(TEXT_RENDERINGS[name])}", (name,)) for name in ALL_TEXT),
    Variant("7.2-pdf_narrow_labels", f"§7.2 {first_line(pdf_narrow_labels)}", ("pdf_narrow_labels",)),
    Variant("grids", "HTML rowspan/colspan, DOCX and PDF merged cells, through xxgk.reading",
            (*GRID_RENDERINGS, "pdf")),
    Variant("grids-pdf_blanks", "PDF ruled tables with blank cells and subtotal rows, through pdfplumber", ("pdf",),
            changes=(blank_zeros,), options=(("subtotal_rows", True),)),
    # content variants, in the renderings where what they change can be read
    Variant("7.1-full_width", "§7.1 full-width punctuation, spaces and U+2002 before cells, —、", TEXT_AND_HTML,
            changes=(full_width,)),
    Variant("7.1-letter_spacing", "§7.1 PDF letter-spacing in 表三's header", TEXT_AND_HTML, changes=(letter_spacing,)),
    Variant("7.2-glued", "§7.2 表二 cells glued to the label", UNPADDED, changes=(glued_cells,)),
    Variant("7.2-labels_only", "§7.2 labels with no values", UNPADDED, changes=(labels_only,)),
    Variant("7.2-dropped_headers", "§7.2 repeated 表二 header lines dropped by a crawler", ALL_TEXT,
            changes=(repeated_headers_dropped,)),
    Variant("7.3-blank_zero", "§7.3 blank cells for zero", ALL, changes=(blank_zeros,)),
    Variant("7.3-blank_total", "§7.3 总计 blank on 表三's sub-rows (Shanghai 2019)", ALL, formats=("2019",),
            changes=(blank_totals,)),
    Variant("7.3-na_marks", "§7.3 `/`, `-` and `无` for not applicable", ALL, changes=(na_marks,)),
    Variant("7.3-none_table", "§7.3 `无。` instead of 表四", TEXT_AND_HTML, changes=(none_tables,)),
    Variant("7.3-merged_row", "§7.3 one merged cell for a whole 表三 row", UNSPANNED, changes=(merged_row,)),
    Variant("7.3-dropped_blanks", "§7.3 blank cells dropped: rows with too few values",
            tuple(r for r in UNPADDED if r not in SPAN_MARKS), changes=(dropped_blanks,)),
    Variant("7.3-dropped_blanks_marks", "§7.3 blank cells dropped, in layouts that mark spanned columns",
            SPAN_MARKS, changes=(dropped_blanks,)),
    Variant("7.4-numbers", "§7.4 large counts with separators, 万元 decimals, signs, units in cells", ALL,
            changes=(number_forms,), options=(("large", True),)),
    Variant("7.5-stale", "§7.5 a 2021+ report with the whole 2019 表二", TEXT_AND_HTML, formats=("stale",)),
    Variant("7.5-hybrid", "§7.5 2019 (一) columns with 2021 (五)(六)(八)", TEXT_AND_HTML, formats=("hybrid",)),
    Variant("7.5-local_notes", "§7.5 local notes in headers, a missing 第 or 减, a local line after 表二", TEXT_AND_HTML,
            formats=("2019",), changes=(local_notes,)),
    Variant("7.5-truncated", "§7.5 a passage that ends inside 表三, its last label cut", UNPADDED,
            changes=(truncated,)),
    Variant("7.6-subtotal_column", "§7.6 a 法人或其他组织小计 column", ALL, options=(("subtotal_column", True),)),
    Variant("7.6-group_subtotals", "§7.6 subtotal rows on the group labels", ALL, options=(("subtotal_rows", True),)),
    Variant("7.7-taiwan", "§7.7 Traditional with Taiwan vocabulary (s2twp)", TEXT_AND_HTML, changes=(traditional_taiwan,)),
    Variant("7.7-by_character", "§7.7 character-by-character Traditional, mixed forms", TEXT_AND_HTML,
            changes=(traditional_by_character,)),
    Variant("7.7-pinyin", "§7.7 pinyin mirror (Traditional)", TEXT_AND_HTML, changes=(pinyin_mirror,)),
    Variant("7.8-headings", "§7.8 heading wording, 一、二、 sub-items inside 一、总体情况", TEXT_AND_HTML,
            changes=(heading_variants,)),
    Variant("4.2-comma_labels", "§4.2 `，` in the 2021 (六) labels", TEXT_AND_HTML, formats=("2021",), changes=(comma_labels,)),
    Variant("8-pre2019", "§8 a pre-2019 report: narrative statistics and an indicators appendix", TEXT_AND_HTML,
            formats=("pre-2019",)),
)


@dataclass
class Probe:
    """One generated report, rendered, with the cells it was written with."""

    name: str
    variant: Variant
    rendering: str
    report: Report
    text: str = ""  # the text rendering, or the HTML page

    def expected(self) -> dict[str, Any]:
        return self.report.expected()


def probes(seed: int, per_variant: int) -> Iterator[Probe]:
    """``per_variant`` reports of every variant in each of its renderings, its formats in turn."""
    for variant in VARIANTS:
        for i in range(per_variant):
            for j, rendering in enumerate(variant.renderings):
                rng = random.Random(f"{seed}/{variant.name}/{rendering}/{i}")
                fmt = variant.formats[(i + j) % len(variant.formats)]
                yield make_probe(rng, variant, rendering, fmt, f"{variant.name}-{rendering}-{fmt}-{i}")


def make_probe(rng: random.Random, variant: Variant, rendering: str, fmt: str, name: str) -> Probe:
    report = pre_2019_report(rng) if fmt == "pre-2019" else make_report(rng, fmt, **dict(variant.options))
    for change in variant.changes:
        change(rng, report)
    probe = Probe(name, variant, rendering, report)
    if rendering == "html":
        probe.text = report_html(report)
    elif rendering in TEXT_RENDERINGS:
        probe.text = report_text(report, rendering, rng)
    return probe


# ---------------------------------------------------------------------------------------------
# Scoring

OUTCOMES = ("right", "wrong", "absent-warned", "absent-silent")


def parse(probe: Probe) -> TableResult:
    """``parse_tables`` as extraction calls it: on the text, with the grids of an HTML page, a DOCX
    or a PDF."""
    if probe.rendering == "html":
        document = html_document(probe.text, id=probe.name, source=f"{probe.name}.html")
    elif probe.rendering in ("docx", "pdf"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"{probe.name}.{probe.rendering}"
            (write_docx if probe.rendering == "docx" else write_pdf)(probe.report, path)
            document = read_path(path)
    else:
        return parse_tables(probe.text)
    return parse_tables(document.text, document.grids or None)


@dataclass
class Outcome:
    key: str
    outcome: str
    expected: Any = None
    got: Any = None


def classify(expected: dict[str, Any], result: TableResult) -> list[Outcome]:
    """Every expected cell as right, wrong, absent-warned or absent-silent; every cell read that the
    report does not have as wrong."""
    got = flatten(result.tables)
    warned = {w.split(":", 1)[0] for w in result.warnings}
    outcomes = []
    for key, truth in expected.items():
        if key not in got:
            outcome = "absent-warned" if key.split(".", 1)[0] in warned else "absent-silent"
        else:
            outcome = "right" if same(got[key], truth) else "wrong"
        outcomes.append(Outcome(key, outcome, truth, got.get(key, "absent")))
    outcomes += [Outcome(key, "wrong", "not in the report", got[key]) for key in got if key not in expected]
    return outcomes


def same(got: Any, truth: Any) -> bool:
    if got is None or truth is None:
        return got is truth
    return abs(got - truth) <= 1e-9 * max(1, abs(truth))


def score(seed: int, per_variant: int) -> tuple[dict[str, Counter[str]], list[tuple[Probe, Outcome]]]:
    """Outcome counts by variant, and the WRONG and SILENT cells with their probes."""
    counts: dict[str, Counter[str]] = {v.name: Counter() for v in VARIANTS}
    failures = []
    for probe in probes(seed, per_variant):
        counts[probe.variant.name]["reports"] += 1
        for outcome in classify(probe.expected(), parse(probe)):
            counts[probe.variant.name][outcome.outcome] += 1
            if outcome.outcome in ("wrong", "absent-silent"):
                failures.append((probe, outcome))
    return counts, failures


def write_fixture(probe: Probe, directory: Path) -> None:
    """A text probe in the shape of tests/fixtures/tables_variants (``test_generated_report``)."""
    data = {
        "source": f"generated by evaluate/table_variants.py from report-variants.md {probe.variant.source}",
        "probe": probe.name,
        "text": probe.text,
        "expected": probe.expected(),
        "unreadable": sorted(probe.report.unreadable),
    }
    path = directory / f"{probe.name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf8")


def main(
    seed: int = typer.Option(0, help="Seed of the generated values"),
    per_variant: int = typer.Option(3, help="Reports per variant and rendering"),
    write_fixtures: Path | None = typer.Option(None, help="Write the text reports that fail here as fixtures"),
    show: int = typer.Option(10, help="WRONG and SILENT cells to print"),
) -> None:
    counts, failures = score(seed, per_variant)
    known = {v.name: v.known_failure for v in VARIANTS if v.known_failure}
    print(f"{'variant':<26} {'reports':>7} " + " ".join(f"{o:>13}" for o in OUTCOMES))
    for name, c in counts.items():
        note = "  (known failure)" if name in known else ""
        print(f"{name:<26} {c['reports']:>7} " + " ".join(f"{c[o]:>13}" for o in OUTCOMES) + note)
    total = sum(counts.values(), Counter())
    print(f"{'total':<26} {total['reports']:>7} " + " ".join(f"{total[o]:>13}" for o in OUTCOMES))
    for name, reason in known.items():
        print(f"known failure {name}: {reason}")
    new = [(p, o) for p, o in failures if p.variant.name not in known]
    for probe, outcome in (new or failures)[:show]:
        print(f"{outcome.outcome.upper()} {probe.name} {outcome.key}: expected {outcome.expected!r}, got {outcome.got!r}")
    if write_fixtures:
        write_fixtures.mkdir(parents=True, exist_ok=True)
        for probe in {p.name: p for p, _ in failures if p.rendering in TEXT_RENDERINGS}.values():
            write_fixture(probe, write_fixtures)
    sys.exit(1 if new else 0)


if __name__ == "__main__":
    typer.run(main)
