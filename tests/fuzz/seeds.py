"""Seed corpora for the fuzz harnesses, built from the project's fixtures into a temp folder."""

import io
import json
import tempfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SUFFIXES = (".txt", ".html", ".docx", ".pdf", ".jsonl", ".csv")
REPORT = "重庆市知识产权局2021年政府信息公开工作年度报告\n一、总体情况\n本局主动公开政府信息12条。\n"


def seed_corpus(kind: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=f"xxgk-seeds-{kind}-"))
    seeds = table_seeds() if kind == "tables" else reader_seeds()
    for n, data in enumerate(seeds):
        (folder / f"seed{n:03d}").write_bytes(data)
    return folder


def table_seeds() -> list[bytes]:
    texts = [(FIXTURES / "tables" / "seed-chongqing-ipo-2021.txt").read_text(encoding="utf8")]
    texts += [
        json.loads(p.read_text(encoding="utf8"))["text"]
        for p in sorted((FIXTURES / "tables").glob("p*.json"))
    ]
    return [t.encode("utf8") for t in texts]


def reader_seeds() -> list[bytes]:
    """One small report per reader; the first byte selects the reader (see ``SUFFIXES``)."""
    table = "<table><tr><td rowspan=2>规章</td><td colspan=2>3</td></tr><tr><td>0</td><td>1</td></tr></table>"
    files = {
        ".txt": [REPORT.encode("utf8"), REPORT.encode("gb18030"), REPORT.encode("big5", "replace")],
        ".html": [
            f"<html><head><meta charset=utf-8></head><body><p>{REPORT}</p>{table}</body></html>".encode()
        ],
        ".docx": [_docx()],
        ".pdf": [_pdf()],
        ".jsonl": [json.dumps({"id": "a", "text": REPORT}, ensure_ascii=False).encode() + b"\n"],
        ".csv": [f'id,text\na,"{REPORT}"\n'.encode()],
    }
    return [bytes([SUFFIXES.index(suffix)]) + data for suffix, items in files.items() for data in items]


def _docx() -> bytes:
    import docx

    word = docx.Document()
    word.add_paragraph(REPORT)
    cells = word.add_table(rows=2, cols=2).rows[0].cells
    cells[0].text, cells[1].text = "规章", "3"
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(text="Annual report 2021: 12 applications")
    return bytes(pdf.output())
