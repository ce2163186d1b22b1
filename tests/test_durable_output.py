"""Durable output: ``xxgk extract`` killed with SIGKILL at random moments, then resumed.

After every kill each complete line of the output is a valid record and a partial last line,
if any, is repaired by the next ``--resume``; at the end every report appears exactly once.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from xxgk.batch import done_ids, repair_partial_line

ROOT = Path(__file__).resolve().parents[1]
XXGK = ROOT / ".venv" / "bin" / "xxgk"
CORPUS = Path("/work/shared/corpus/passages.jsonl")
FIXTURES = Path(__file__).parent / "fixtures"
REPORTS = 300
KILLS = 10


def corpus_texts() -> list[str]:
    if CORPUS.exists():
        lines = CORPUS.read_text(encoding="utf8").splitlines()
    else:
        lines = (FIXTURES / "reading" / "passages-sample.jsonl").read_text(encoding="utf8").splitlines()
    return [json.loads(line)["text"] for line in lines]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """~300 small report files: corpus passages, plus a few that fail to read."""
    folder = tmp_path_factory.mktemp("corpus")
    texts = corpus_texts()
    for n in range(REPORTS - 3):
        (folder / f"r{n:03d}.txt").write_text(texts[n % len(texts)], encoding="utf8")
    (folder / "empty.txt").write_text("")
    (folder / "junk.pdf").write_bytes(b"%PDF-1.4 broken")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    return folder


def check_lines(out: Path) -> tuple[list[dict], bool]:
    """The complete records of ``out`` (each must be valid) and whether a partial line follows."""
    data = out.read_bytes() if out.exists() else b""
    *complete, last = data.split(b"\n")
    records = []
    for line in complete:
        record = json.loads(line)
        assert isinstance(record["id"], str) and record["source"]
        assert "error" in record or {"tables", "checks", "entities", "pipeline"} <= set(record)
        records.append(record)
    return records, bool(last)


def run(corpus: Path, out: Path, *, resume: bool) -> subprocess.Popen:
    command = [str(XXGK), "extract", str(corpus), "-o", str(out), "--rules-only", "--batch-size", "4"]
    return subprocess.Popen(
        command + (["--resume"] if resume else []), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def kill_while_writing(child: subprocess.Popen, out: Path, rng: random.Random) -> bool:
    """Wait until the child has written something (or ended), then SIGKILL it a random moment
    later, within the tenth of a second in which a rules-only run writes about a hundred of
    these reports; True if it was killed before finishing."""
    size = out.stat().st_size if out.exists() else 0
    deadline = time.time() + 60
    while child.poll() is None and time.time() < deadline:
        if out.exists() and out.stat().st_size > size:
            break
        time.sleep(0.005)
    time.sleep(rng.uniform(0, 0.1))
    child.send_signal(signal.SIGKILL)
    return child.wait() == -signal.SIGKILL


def test_extraction_killed_at_random_moments_ends_with_every_report_once(corpus, tmp_path):
    rng = random.Random(7)
    out = tmp_path / "out.jsonl"
    kills = partial_lines = 0
    for attempt in range(KILLS):
        child = run(corpus, out, resume=attempt > 0)
        kills += kill_while_writing(child, out, rng)
        records, partial = check_lines(out)
        partial_lines += partial
        assert len({r["id"] for r in records}) == len(records), "a report was written twice"
        if attempt == KILLS // 2:  # a kill in the middle of a write, made certain
            with out.open("ab") as f:
                f.write(b'{"id": "r9')
            assert check_lines(out)[1]
    child = run(corpus, out, resume=True)
    assert child.wait(timeout=300) == 0
    records, partial = check_lines(out)
    assert not partial
    ids = [r["id"] for r in records]
    assert sorted(ids) == sorted({p.stem for p in corpus.iterdir()})
    assert len(ids) == REPORTS
    failed = {r["id"] for r in records if "error" in r}
    assert failed == {"empty", "junk", "binary"}
    print(f"\n{kills} kills of {KILLS} runs landed before the end; {partial_lines} partial last lines seen")
    assert kills >= KILLS // 2


def test_a_partial_last_line_is_cut_and_its_report_done_again(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"id": "a", "source": "s", "error": "x"}\n{"id": "b", "sou')
    assert done_ids(out) == {"a"}
    repair_partial_line(out)
    assert out.read_bytes() == b'{"id": "a", "source": "s", "error": "x"}\n'


def test_a_resumed_run_appends_after_a_repaired_line(corpus, tmp_path):
    small = tmp_path / "in"
    small.mkdir()
    for path in sorted(corpus.glob("r00*.txt")):
        (small / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"id": "r001", "source": "x", "error": "kept"}\n{"id": "r0')
    assert run(small, out, resume=True).wait(timeout=120) == 0
    records, partial = check_lines(out)
    assert not partial
    assert sorted(r["id"] for r in records) == [f"r00{n}" for n in range(10)]
    assert next(r for r in records if r["id"] == "r001")["error"] == "kept"
