"""Peak memory (and time) of ``xxgk extract --rules-only`` on huge and hostile inputs.

    .venv/bin/python evaluate/bench_memory.py [--big-mb 200] [--keep DIR]

Generates the inputs in a temporary directory: the corpus passages as small files, a 200 MB
text file (rejected by ``--max-chars`` before it is read; and read under a per-report time limit
without it), the largest plain report processed in full, a PDF of 3,000 pages, a deeply
nested HTML page and a DOCX zip bomb. Each runs in its own process; the peak resident memory
of that process (``ru_maxrss`` from ``wait4``) is printed beside the outcome. The limit the
project sets itself is 1 GB per process.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
CORPUS = Path("/work/shared/corpus/passages.jsonl")
SEED = ROOT / "tests" / "fixtures" / "tables" / "seed-chongqing-ipo-2021.txt"
LIMIT_MB = 1024


@dataclass
class Run:
    name: str
    input_mb: float
    seconds: float
    peak_mb: float
    outcome: str


def extract(inputs: list[Path], out: Path, **options) -> str:
    """Python code running ``run_extract`` (rules only) with ``options`` in a fresh process."""
    args = ", ".join(f"{k}={v!r}" for k, v in options.items())
    return (
        "from pathlib import Path; from xxgk.batch import run_extract; "
        f"s = run_extract({[str(p) for p in inputs]!r}, Path({str(out)!r}), rules_only=True, {args}); "
        "print(s.line())"
    )


def measure(name: str, inputs: list[Path], out: Path, **options) -> Run:
    started = time.perf_counter()
    child = subprocess.Popen(
        [PYTHON, "-c", extract(inputs, out, **options)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    output = child.stdout.read().decode("utf8", "replace").strip().splitlines()
    size = sum(p.stat().st_size for p in inputs if p.is_file()) + sum(
        f.stat().st_size for p in inputs if p.is_dir() for f in p.rglob("*") if f.is_file()
    )
    return Run(name, size / 2**20, seconds, usage.ru_maxrss / 1024, _outcome(out, status, output))


def _outcome(out: Path, status: int, output: list[str]) -> str:
    if status != 0:
        return f"process failed ({status}): {' / '.join(output[-2:])}"
    records = (
        [json.loads(line) for line in out.read_text(encoding="utf8").splitlines()] if out.exists() else []
    )
    errors = [r["error"] for r in records if "error" in r]
    summary = output[-1] if output else ""
    if errors:
        return f"{len(records) - len(errors)} ok, {len(errors)} rejected: {errors[0][-90:]}"
    return summary


# ---------------------------------------------------------------- inputs


def texts() -> list[str]:
    return [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf8").splitlines()]


def write_corpus(folder: Path) -> Path:
    folder.mkdir()
    for n, text in enumerate(texts()):
        (folder / f"p{n:04d}.txt").write_text(text, encoding="utf8")
    return folder


def write_big_text(path: Path, megabytes: int) -> Path:
    unit = (SEED.read_text(encoding="utf8") + "\n".join(texts())).encode("utf8")
    with path.open("wb") as f:
        written = 0
        while written < megabytes * 2**20:
            f.write(unit)
            written += len(unit)
    return path


def write_pdf(path: Path, pages: int) -> Path:
    from fpdf import FPDF

    pdf = FPDF(format=(100, 60))
    pdf.set_font("Helvetica", size=8)
    for number in range(pages):
        pdf.add_page()
        for line in range(3):
            pdf.cell(
                text=f"Page {number}.{line}: 12 applications, 3 carried over.", new_x="LMARGIN", new_y="NEXT"
            )
    pdf.output(str(path))
    return path


def write_deep_html(path: Path, depth: int) -> Path:
    path.write_text(f"<html><body><p>前言</p>{'<div><span>' * depth}深处</body></html>", encoding="utf8")
    return path


def write_zip_bomb(path: Path, megabytes: int) -> Path:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(buffer) as real, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in real.infolist():
            if item.filename != "word/document.xml":
                bomb.writestr(item, real.read(item))
        with bomb.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(b" " * 2**20)
    return path


# ---------------------------------------------------------------- the benchmark


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big-mb", type=int, default=200, help="size of the huge text file")
    parser.add_argument(
        "--full-mb", type=float, default=2.0, help="size of the long report processed in full"
    )
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="xxgk-bench-memory-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        runs = run_all(folder, args.big_mb, args.full_mb)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{'input':34} {'MB':>8} {'s':>7} {'peak MB':>8}  outcome")
    for run in runs:
        flag = "" if run.peak_mb < LIMIT_MB else "  ** over 1 GB **"
        print(f"{run.name:34} {run.input_mb:8.1f} {run.seconds:7.1f} {run.peak_mb:8.0f}  {run.outcome}{flag}")


def run_all(folder: Path, big_mb: int, full_mb: float) -> list[Run]:
    out = folder / "out"
    out.mkdir(exist_ok=True)
    print(f"generating inputs in {folder} ...", file=sys.stderr)
    corpus = write_corpus(folder / "corpus")
    big = write_big_text(folder / "big.txt", big_mb)
    full = folder / "full.txt"
    full.write_bytes(big.read_bytes()[: int(full_mb * 2**20)].decode("utf8", "ignore").encode("utf8"))
    pdf = write_pdf(folder / "pages.pdf", 3000)
    html = write_deep_html(folder / "deep.html", 50_000)
    bomb = write_zip_bomb(folder / "bomb.docx", 600)
    plan = [
        ("corpus: 381 passages", [corpus], {}),
        (f"long report ({full_mb:g} MB), no limits", [full], {}),
        (f"{big_mb} MB text, max_chars=1M", [big], {"max_chars": 1_000_000}),
        (f"{big_mb} MB text, timeout=60 s", [big], {"timeout": 60.0}),
        ("PDF of 3,000 pages, no limits", [pdf], {}),
        ("PDF of 3,000 pages, max_chars=50k", [pdf], {"max_chars": 50_000}),
        ("HTML nested 100,000 deep", [html], {}),
        ("DOCX zip bomb (600 MB inside)", [bomb], {}),
    ]
    runs = []
    for n, (name, inputs, options) in enumerate(plan):
        print(f"running {name} ...", file=sys.stderr)
        runs.append(measure(name, inputs, out / f"{n}.jsonl", **options))
    return runs


if __name__ == "__main__":
    main()
