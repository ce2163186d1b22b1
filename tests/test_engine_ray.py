"""The Ray Data engine gives the local engine's records: examples of use of ``xxgk.engine_ray``.

One local 2-CPU Ray instance serves the whole module; every run is rules-only unless the bundled
pipeline exists.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

import xxgk  # noqa: E402
from xxgk.batch import run_extract  # noqa: E402
from xxgk.engine_ray import (  # noqa: E402
    ExtractWorker,
    ParquetOutput,
    records_to_parquet_rows,
    run_extract_ray,
)
from xxgk.output import SCHEMA, convert_output  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
PASSAGES = Path(__file__).parent / "fixtures" / "ray" / "passages.jsonl"
BUNDLED = ROOT / "pipelines" / "xxgk_zh"
TRUNCATED_HTML = "<html><head><meta charset='utf-8'><title>2021年政府信息公开工作年度报告</title></head><body><table><tr><td>"


@pytest.fixture(scope="module")
def ray_instance():
    ray.init(
        num_cpus=2, include_dashboard=False, logging_level="warning", _system_config={"worker_niceness": 0}
    )
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The bundled samples, four corpus passages as .txt, a record file and bad files."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SAMPLES / "seeds", root / "seeds")
    shutil.copytree(SAMPLES / "passages", root / "passages")
    shutil.copytree(SAMPLES / "rendered", root / "rendered")
    rows = [json.loads(line) for line in PASSAGES.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        (root / "passages" / f"{row['id']}.txt").write_text(row["text"], encoding="utf-8")
    records = [{"id": "row-ok", "text": rows[0]["text"]}, {"id": "row-no-text", "body": "?"}]
    (root / "records.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    bad = root / "bad"
    bad.mkdir()
    (bad / "junk.txt").write_bytes(bytes(range(256)) * 40)
    (bad / "junk.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(2000))
    (bad / "empty.txt").write_bytes(b"")
    (bad / "truncated.html").write_text(TRUNCATED_HTML, encoding="utf-8")
    return root


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def by_id(records: list[dict]) -> dict[str, dict]:
    """Records keyed by id (order ignored); every id must appear once."""
    keyed = {r["id"]: r for r in records}
    assert len(keyed) == len(records), "an id appears more than once"
    return keyed


@pytest.fixture(scope="module")
def local_records(corpus, tmp_path_factory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("local") / "local.jsonl"
    run_extract([str(corpus)], out, rules_only=True)
    return by_id(read_jsonl(out))


def test_base_package_never_imports_ray():
    code = "import sys, xxgk, xxgk.batch, xxgk.cli, xxgk.output; assert 'ray' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_ray_engine_gives_the_local_engines_records(ray_instance, corpus, local_records, tmp_path):
    out = tmp_path / "ray.jsonl"
    summary = run_extract_ray([str(corpus)], out, rules_only=True, workers=2, block_size=4)
    records = by_id(read_jsonl(out))
    assert records == local_records
    errors = {i for i, r in records.items() if "error" in r}
    assert {"junk", "empty", "truncated", "row-no-text"} <= errors
    assert (summary.ok, summary.failed) == (len(records) - len(errors), len(errors))
    assert summary.chars == sum(r["chars"] for r in records.values() if "error" not in r)


def test_parquet_directory_resumes_and_equals_the_local_parquet(
    ray_instance, corpus, local_records, tmp_path
):
    out = tmp_path / "ray-parquet"
    # an earlier, interrupted run left one block: the seeds (an ExtractWorker also works without Ray)
    worker = ExtractWorker(rules_only=True, output="parquet")
    ParquetOutput(out).write(worker({"path": sorted(str(p) for p in (corpus / "seeds").iterdir())}))
    summary = run_extract_ray([str(corpus)], out, fmt="parquet", rules_only=True, resume=True, block_size=8)
    assert summary.skipped == 2
    assert summary.ok + summary.failed == len(local_records) - 2

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    files = sorted(out.glob("part-*.parquet"))
    assert [f["name"] for f in manifest["files"]] == [f.name for f in files]
    assert manifest["records"] == len(local_records)
    assert manifest["pipeline"] == {"name": "xxgk_rules", "version": xxgk.__version__}
    table = pa.concat_tables([pq.read_table(f) for f in files]).sort_by("id")

    local_jsonl = tmp_path / "local.jsonl"
    local_jsonl.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in local_records.values()), encoding="utf-8"
    )
    convert_output(local_jsonl, tmp_path / "local.parquet", "parquet")
    assert table.schema == SCHEMA
    assert decoded_rows(table) == decoded_rows(pq.read_table(tmp_path / "local.parquet").sort_by("id"))


def decoded_rows(table: pa.Table) -> list[dict]:
    """Parquet rows with their JSON text columns parsed (key order is not part of the data)."""
    rows = table.to_pylist()
    for row in rows:
        for name in ("tables", "tables_raw", "pipeline"):
            row[name] = json.loads(row[name])
        for check in row["checks"]:
            check["cells"] = json.loads(check["cells"])
    return rows


def crash_once_worker(target: str, marker: Path) -> type[ExtractWorker]:
    """A worker whose process dies (``os._exit``) the first time it meets report ``target``."""

    class CrashOnce(ExtractWorker):
        def process(self, tasks):
            if any(t.uid == target for t in tasks) and not marker.exists():
                marker.write_text(str(os.getpid()), encoding="utf-8")
                os._exit(1)
            return super().process(tasks)

    return CrashOnce


def test_a_killed_worker_is_retried_and_every_report_appears_once(
    ray_instance, corpus, local_records, tmp_path
):
    marker = tmp_path / "crashed.pid"
    out = tmp_path / "ray.jsonl"
    worker = crash_once_worker("p0141", marker)
    summary = run_extract_ray(
        [str(corpus)], out, rules_only=True, workers=2, batch_size=4, worker_class=worker
    )
    assert marker.exists(), "the worker never crashed"
    records = read_jsonl(out)
    assert sorted(r["id"] for r in records) == sorted(local_records)
    assert by_id(records) == local_records
    assert summary.ok + summary.failed == len(local_records)


def test_python_api_with_the_ray_engine_keeps_input_order(ray_instance, corpus):
    seeds = corpus / "seeds"
    items = [
        seeds / "seed-chongqing-ipo-2021.txt",
        "2021年度，本机关未收到政府信息公开申请。",
        seeds / "seed-hubei-ipo-2016.txt",
    ]
    records = list(xxgk.extract(items, rules_only=True, engine="ray", workers=2, block_size=1))
    assert [r["id"] for r in records] == ["seed-chongqing-ipo-2021", "text:1", "seed-hubei-ipo-2016"]
    assert records == list(xxgk.extract(items, rules_only=True))


def test_extract_worker_embeds_in_a_users_ray_data_job(ray_instance, corpus):
    rows = [
        {"id": p.stem, "text": p.read_text(encoding="utf-8")}
        for p in sorted((corpus / "seeds").glob("*.txt"))
    ]
    reports = ray.data.from_items(rows)  # or ray.data.read_parquet(...) with id and text columns
    records = reports.map_batches(
        ExtractWorker,
        fn_constructor_kwargs={"rules_only": True},
        compute=ray.data.ActorPoolStrategy(size=1),
        batch_size=16,
    )
    typed = records.map_batches(records_to_parquet_rows, batch_format="pyarrow")
    table = pa.concat_tables(ray.get(typed.to_arrow_refs()))
    assert table.schema == SCHEMA
    assert sorted(table.column("id").to_pylist()) == ["seed-chongqing-ipo-2021", "seed-hubei-ipo-2016"]
    assert table.column("format").to_pylist().count("2021") == 1


@pytest.mark.skipif(not (BUNDLED / "config.cfg").exists(), reason="no bundled pipeline yet")
def test_ray_engine_with_the_pipeline_gives_the_local_engines_records(ray_instance, corpus, tmp_path):
    inputs = [str(corpus / "seeds"), str(corpus / "bad")]
    run_extract(inputs, tmp_path / "local.jsonl")
    run_extract_ray(inputs, tmp_path / "ray.jsonl", workers=2)
    assert by_id(read_jsonl(tmp_path / "ray.jsonl")) == by_id(read_jsonl(tmp_path / "local.jsonl"))
