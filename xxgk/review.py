"""Static review pages: displaCy renderings of entities and statements, tables with failed checks."""

from __future__ import annotations

import hashlib
import html
import os
import re
from pathlib import Path
from typing import Any

from .annotations import read_jsonl
from .checks import flatten

COLORS = {"AGENCY": "#9fd3ff", "YEAR": "#ffe08a", "COUNT": "#b8f2b0", "MEASURE": "#c9b6ff", "PROBLEM": "#ffb3b3"}
STYLE = ("body{font-family:sans-serif;max-width:1100px;margin:auto}table{border-collapse:collapse}"
         "td,th{border:1px solid #ccc;padding:2px 6px}.fail{background:#ffd0d0}.warn{color:#a60}")


def safe_name(uid: str) -> str:
    """A file name derived from a record id that cannot leave the output directory; an id that had
    to be changed (or would be the index page) gets a hash of itself, so two ids never share a page."""
    name = re.sub(r"[^\w.-]+", "_", uid).strip("._") or "report"
    if name != uid or len(name.encode()) > 200 or name.lower() == "index":
        digest = hashlib.sha1(uid.encode("utf-8", "surrogatepass")).hexdigest()[:10]
        name = f"{name.encode()[:150].decode('utf-8', 'ignore')}-{digest}"
    return name + ".html"


def entity_html(record: dict[str, Any], text: str) -> str:
    from spacy import displacy

    ents = [{"start": e["start"], "end": e["end"], "label": e["label"]} for e in record.get("entities", [])]
    return displacy.render({"text": text, "ents": ents, "title": None}, style="ent", manual=True,
                           options={"colors": COLORS}, page=False)


def statement_html(record: dict[str, Any], text: str) -> str:
    spans = [{"start": s["start"], "end": s["end"], "label": s["label"]} for s in record.get("statements", [])]
    if not spans:
        return "<p>(none)</p>"
    from spacy import displacy

    return displacy.render({"text": text, "ents": spans, "title": None}, style="ent", manual=True,
                           options={"colors": COLORS}, page=False)


def tables_html(record: dict[str, Any]) -> str:
    failed = {key for c in record.get("checks", []) if not c.get("ok") for key in c.get("cells", {})}
    rows = []
    for key, value in flatten(record.get("tables", {})).items():
        cls = ' class="fail"' if key in failed else ""
        rows.append(f"<tr{cls}><td>{html.escape(key)}</td><td>{html.escape(str(value))}</td></tr>")
    checks = "".join(
        f"<li class=\"{'ok' if c.get('ok') else 'fail'}\">{'✔' if c.get('ok') else '✘'} "
        f"{html.escape(c.get('rule', ''))} {html.escape(c.get('message', ''))}</li>"
        for c in record.get("checks", []))
    return f"<table>{''.join(rows)}</table><ul>{checks}</ul>"


def report_page(record: dict[str, Any], text: str = "") -> str:
    title = html.escape(f"{record.get('agency') or ''} {record.get('year') or ''} — {record['id']}")
    if "error" in record:
        body = f"<p class=\"fail\">{html.escape(record['error'])}</p>"
    else:
        warnings = "".join(f"<li class=\"warn\">{html.escape(w)}</li>" for w in record.get("warnings", []))
        body = (f"<p>format {html.escape(str(record.get('format')))}, script {html.escape(str(record.get('script')))}"
                f", source {html.escape(record.get('source', ''))}</p>"
                f"<h2>Entities</h2>{entity_html(record, text)}<h2>Statements</h2>{statement_html(record, text)}"
                f"<h2>Tables</h2>{tables_html(record)}<h2>Warnings</h2><ul>{warnings}</ul>")
    return f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title><style>{STYLE}</style></head>" \
           f"<body><h1>{title}</h1>{body}</body></html>"


def index_page(rows: list[tuple[str, dict[str, Any]]]) -> str:
    items = "".join(
        f"<tr><td><a href=\"{html.escape(name)}\">{html.escape(r['id'])}</a></td>"
        f"<td>{html.escape(str(r.get('agency') or ''))}</td><td>{html.escape(str(r.get('year') or ''))}</td>"
        f"<td>{'error' if 'error' in r else sum(1 for c in r.get('checks', []) if not c.get('ok'))}</td></tr>"
        for name, r in rows)
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>xxgk review</title>"
            f"<style>{STYLE}</style></head><body><h1>xxgk review</h1><table><tr><th>id</th><th>agency</th>"
            f"<th>year</th><th>failed checks</th></tr>{items}</table></body></html>")


def write_atomic(path: Path, content: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(content, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_report_page(record: dict[str, Any], text: str, out_dir: Path) -> Path:
    """The review page of one report (written by the worker that has its text)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / safe_name(record["id"])
    write_atomic(path, report_page(record, text))
    return path


def write_index(jsonl: Path, out_dir: Path) -> Path:
    """``index.html`` linking every report page of the records in ``jsonl``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = [(safe_name(r["id"]), r) for r in read_jsonl(jsonl)]
    for name, record in rows:
        if not (out_dir / name).exists():  # error records have no worker page
            write_atomic(out_dir / name, report_page(record))
    path = out_dir / "index.html"
    write_atomic(path, index_page(rows))
    return path
