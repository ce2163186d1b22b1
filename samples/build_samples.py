"""Build the bundled sample corpus (``samples/``) from the project corpus, reproducibly.

    python samples/build_samples.py [--corpus /work/shared/corpus] [--out samples]

Writes ``seeds/`` (the two seed reports, copied), ``passages/`` (real passages chosen for variety:
old and new formats, Simplified, Traditional and pinyin mirrors, tables in every flattened shape,
problems sections), ``rendered/`` (the Chongqing seed as an HTML page whose tables are real
``<table>`` elements with the official row/column spans, the Hubei seed as a DOCX document) and
``SOURCES.md``. Every output is a pure function of the corpus: running it twice gives the same bytes.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

CORPUS = Path("/work/shared/corpus")
SEEDS = {
    "seed-chongqing-ipo-2021.txt": "重庆市知识产权局 2021 report, Traditional mirror page (no URL recorded in the corpus)",
    "seed-hubei-ipo-2016.txt": "湖北省知识产权局 2016 report, published on http://www.hbipo.gov.cn (named in its text)",
}
# Passage id → why it is in the sample.
PASSAGES = {
    "p0001": "Traditional 2012, a table-of-contents line listing all headings",
    "p0006": "2019 format, pipe-separated cells with trailing pipes and triple-pipe spacer rows",
    "p0019": "2019 format tables",
    "p0027": "2023, 2021-format tables as pipe rows",
    "p0058": "2020, page metadata as a pipe table before the report",
    "p0081": "Traditional (character-by-character) 2022, pipe rows",
    "p0094": "Traditional pinyin mirror 2021 (`區(qū)`), tables",
    "p0099": "2016 old format, statistics in the narrative",
    "p0105": "Traditional pinyin mirror 2019, tables",
    "p0116": "Traditional 2016 old format (Taiwan vocabulary)",
    "p0119": "Traditional 2021, tables",
    "p0126": "2019, problems and improvements with sub-headings, signature and date",
    "p0128": "2016 old format with statistics",
    "p0141": "2019 glued cells (`规章000`)",
    "p0150": "2023 problems and improvements section",
    "p0152": "Traditional 2019, `—、` dash for the numeral in a heading",
    "p0210": "2021 report still in the 2019 table format, sub-items numbered 一、二、",
    "p0333": "2008 problems and improvements",
    "p0343": "2019 tables as label + space-separated numbers (PDF-like row lines)",
    "p0358": "2021 one cell per line with blank lines and `/` cells",
    "p0374": "Traditional 2021, tables",
    "p0107": "2019 flipbook page (`Page 2`, `P. 2`, table of contents with dot leaders)",
}
HTML_NAME = "chongqing-ipo-2021-page.html"
DOCX_NAME = "hubei-ipo-2016-word.docx"
FIXED_TIME = (2022, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Cell:
    """A cell of a table layout: how many source lines it takes, and its spans."""

    lines: int = 1
    rowspan: int = 1
    colspan: int = 1


def _cells(n: int) -> list[Cell]:
    return [Cell() for _ in range(n)]


def _labelled(label: Cell, values: int = 7) -> list[Cell]:
    return [label, *_cells(values)]


# The official 2021 layouts (report-variants.md §3.2, §4, §5), cell by cell in reading order.
TABLE_2 = [
    [Cell(colspan=4)], _cells(4), _cells(4), _cells(4),
    [Cell(colspan=4)], [Cell(), Cell(colspan=3)], [Cell(), Cell(colspan=3)],
    [Cell(colspan=4)], [Cell(), Cell(colspan=3)], [Cell(), Cell(colspan=3)], [Cell(), Cell(colspan=3)],
    [Cell(colspan=4)], [Cell(), Cell(colspan=3)], [Cell(), Cell(colspan=3)],
]  # fmt: skip
TABLE_3 = [
    [Cell(rowspan=3, colspan=3), Cell(colspan=7)],
    [Cell(rowspan=2), Cell(colspan=5), Cell(rowspan=2)],
    _cells(5),
    _labelled(Cell(colspan=3)),
    _labelled(Cell(colspan=3)),
    [Cell(rowspan=22), *_labelled(Cell(colspan=2))],
    _labelled(Cell(colspan=2)),
    [Cell(rowspan=8), *_labelled(Cell())], *[_labelled(Cell()) for _ in range(7)],
    [Cell(rowspan=3), *_labelled(Cell())], *[_labelled(Cell()) for _ in range(2)],
    [Cell(rowspan=5), *_labelled(Cell())], *[_labelled(Cell()) for _ in range(4)],
    [Cell(rowspan=3), *_labelled(Cell())], *[_labelled(Cell()) for _ in range(2)],
    _labelled(Cell(colspan=2)),
    _labelled(Cell(colspan=3)),
]  # fmt: skip
TABLE_4 = [
    [Cell(colspan=5), Cell(colspan=10)],
    [Cell(rowspan=2), Cell(2, rowspan=2), Cell(rowspan=2), Cell(2, rowspan=2), Cell(rowspan=2),
     Cell(colspan=5), Cell(colspan=5)],
    [Cell(2), Cell(2), Cell(2), Cell(2), Cell(), Cell(), Cell(2), Cell(2), Cell(2), Cell()],
    _cells(15),
]  # fmt: skip
# Each table follows the line of its section heading (compared without whitespace).
CQ_TABLES = {
    "二、主動公開政府信息情況": TABLE_2,
    "三、收到和處理政府信息公開申請情況": TABLE_3,
    "四、政府信息公開行政複議、行政訴訟情況": TABLE_4,
}


def build(corpus: Path, out: Path) -> list[Path]:
    """Write the sample corpus into ``out``; returns the files written."""
    written = []
    for name in SEEDS:
        written.append(_write(out / "seeds" / name, (corpus / name).read_bytes()))
    records = _passages(corpus / "passages.jsonl")
    for pid in PASSAGES:
        written.append(_write(out / "passages" / f"{pid}.txt", records[pid]["text"].encode("utf-8")))
    chongqing = (corpus / "seed-chongqing-ipo-2021.txt").read_text(encoding="utf-8")
    written.append(_write(out / "rendered" / HTML_NAME, render_html(chongqing, CQ_TABLES).encode("utf-8")))
    hubei = (corpus / "seed-hubei-ipo-2016.txt").read_text(encoding="utf-8")
    written.append(_write(out / "rendered" / DOCX_NAME, render_docx(hubei)))
    written.append(_write(out / "SOURCES.md", sources_markdown(records).encode("utf-8")))
    return written


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _passages(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8") as f:
        records = (json.loads(line) for line in f if line.strip())
        return {r["id"]: r for r in records if r["id"] in PASSAGES}


def render_html(text: str, tables: dict[str, list[list[Cell]]]) -> str:
    """A plain web page of the report: one ``<p>`` a line, the tables after their headings."""
    lines = text.split("\n")
    body, i = [f"<h1>{html.escape(lines[0])}</h1>"], 1
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.strip():
            body.append(f"<p>{html.escape(line)}</p>")
        layout = tables.get("".join(line.split()))
        if layout is not None:
            table, i = _render_table(lines, i, layout)
            body.append(table)
    title = html.escape(lines[0])
    return (
        '<!DOCTYPE html>\n<html lang="zh-Hant">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def _render_table(lines: list[str], i: int, layout: list[list[Cell]]) -> tuple[str, int]:
    rows = []
    for row in layout:
        tds = []
        for cell in row:
            content = "<br>".join(html.escape(line) for line in lines[i : i + cell.lines])
            i += cell.lines
            spans = "".join(
                f' {name}="{value}"' for name, value in (("rowspan", cell.rowspan), ("colspan", cell.colspan))
                if value > 1
            )  # fmt: skip
            tds.append(f"<td{spans}>{content}</td>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return '<table border="1">\n' + "\n".join(rows) + "\n</table>", i


def render_docx(text: str) -> bytes:
    """A Word document of the report, one paragraph a non-empty line, with fixed metadata and
    zip timestamps so that the bytes are reproducible."""
    import docx

    document = docx.Document()
    props = document.core_properties
    props.author = props.last_modified_by = "xxgk samples"
    props.created = props.modified = datetime(*FIXED_TIME)
    props.revision = 1
    for line in text.split("\n"):
        if line.strip():
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(
                zipfile.ZipInfo(info.filename, FIXED_TIME),
                src.read(info.filename),
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return out.getvalue()


def sources_markdown(records: dict[str, dict]) -> str:
    lines = [
        "# Sources of the sample corpus",
        "",
        "Built by `python samples/build_samples.py` from the project corpus (`corpus/`); do not edit by hand.",
        "Texts are real report text, exactly as stored in the corpus.",
        "",
        "| file | source | what it shows |",
        "|---|---|---|",
    ]
    for name, note in SEEDS.items():
        lines.append(f"| `seeds/{name}` | corpus `{name}` | {note} |")
    for pid, note in PASSAGES.items():
        meta = records[pid]["meta"]
        lines.append(
            f"| `passages/{pid}.txt` | corpus `passages.jsonl` id `{pid}`, {meta['source']} | {note} |"
        )
    lines.append(
        f"| `rendered/{HTML_NAME}` | corpus `seed-chongqing-ipo-2021.txt` | the seed as a web page, "
        "tables 二/三/四 as `<table>` with the official rowspan/colspan |"
    )
    lines.append(
        f"| `rendered/{DOCX_NAME}` | corpus `seed-hubei-ipo-2016.txt` | the seed as a Word document |"
    )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = parser.parse_args()
    for path in build(args.corpus, args.out):
        print(path)


if __name__ == "__main__":
    main()
