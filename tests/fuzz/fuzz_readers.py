"""Coverage-guided fuzzing of the readers (atheris / libFuzzer).

    .venv/bin/python tests/fuzz/fuzz_readers.py -max_total_time=60 [CORPUS_DIR ...]

The first byte of an input picks the reader (text, HTML, DOCX, PDF, JSONL, CSV); the rest is
the file's content. Every input must give a Document (or rows) or a ``ReadError`` naming the
file; anything else is a crash. Without a corpus directory, one is seeded with a small report in
every format (UTF-8, GBK, Big5 text, HTML with a table, DOCX, PDF, JSONL, CSV).
"""

import contextlib
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from xxgk.reading import ReadError, decode_text, html_document, iter_records, read_path
    from xxgk.records import Document, ReadFailure

from seeds import SUFFIXES, seed_corpus  # noqa: E402

FOLDER = Path(tempfile.mkdtemp(prefix="xxgk-fuzz-"))


def TestOneInput(data: bytes) -> None:
    if not data:
        return
    suffix = SUFFIXES[data[0] % len(SUFFIXES)]
    content = data[1:]
    path = FOLDER / f"input{suffix}"
    path.write_bytes(content)
    if suffix in (".jsonl", ".csv"):
        for item in iter_records(path):
            assert isinstance(item, Document | ReadFailure), item
        return
    try:
        document = read_path(path)
    except ReadError as err:
        assert str(path) in str(err), err
    else:
        assert document.text.strip()
        for grid in document.grids:
            for r, row in enumerate(grid.rows):
                for c, cell in enumerate(row):
                    where = grid.offsets[r][c] if grid.offsets else None
                    if where is not None:
                        assert document.text[where[0] : where[1]] == cell, (where, cell)
    if suffix == ".html":
        html_document(content.decode("utf-8", "replace"), id="fuzz", source="fuzz.html")
    if suffix == ".txt":
        with contextlib.suppress(ReadError):
            decode_text(content)


def main() -> None:
    argv = list(sys.argv)
    if not [a for a in argv[1:] if not a.startswith("-")]:
        argv.append(str(seed_corpus("readers")))
    atheris.Setup(argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
