"""The Ray Data engine behind ``xxgk extract --engine ray``: the local engine's records, on a cluster.

Tasks come from ``xxgk.batch.expand_inputs`` (file inputs travel as paths, so reading and decoding
happen in Ray); ``ray.data.from_items`` → ``map_batches(ExtractWorker, compute=ActorPoolStrategy)``,
where each actor builds one ``Processor`` (the pipeline is loaded once per actor) and returns the
records of its batch. The driver writes the output blocks as they arrive: JSONL (the same lines as
the local engine) or a Parquet directory (one file per block, ``SCHEMA`` of ``xxgk.output``, and a
``manifest.json``). Ray Data restarts a dead actor and retries its task (``max_restarts=-1``,
``max_task_retries=-1`` are its actor-pool defaults); the driver keeps every report's first copy
only, so a retried batch never duplicates a record.

Ray is optional: nothing outside this module imports it, and this module imports it in functions.

Embedding the same extraction in your own Ray Data job (``ExtractWorker`` reads a ``text`` column
with ``id``/``source``, a ``path`` column of report files, or the engine's ``task`` column of JSON tasks)::

    import ray
    from xxgk.engine_ray import ExtractWorker, records_to_parquet_rows

    ray.init(address="auto")
    reports = ray.data.read_parquet("s3://bucket/reports/", columns=["id", "text"])
    records = reports.map_batches(
        ExtractWorker,
        fn_constructor_kwargs={"rules_only": False},     # the bundled pipeline, once per actor
        compute=ray.data.ActorPoolStrategy(size=8),
        batch_size=64,
    )
    records.map_batches(records_to_parquet_rows, batch_format="pyarrow").write_parquet("s3://bucket/out/")
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .batch import (
    Processor,
    Summary,
    Task,
    _skip_done,
    api_tasks,
    done_ids,
    expand_inputs,
    repair_partial_line,
    task_from_json,
    task_to_json,
)
from .reading import document_from_text
from .records import json_line

BLOCK_SIZE = 64  # reports per Ray task
MANIFEST = "manifest.json"
PART_GLOB = "part-*.parquet"


# ---------------------------------------------------------------- the worker


class ExtractWorker:
    """A Ray Data callable class: a batch of reports → a batch of output records.

    Input columns (one of): ``task`` (``xxgk.batch.Task`` as JSON, as the engine sends them),
    ``path`` (report files to read in the worker), or ``text_field`` with ``id_field`` (and an
    optional ``source``). ``output="jsonl"`` returns each record as a JSON string in ``record``;
    ``output="parquet"`` returns the typed columns of ``xxgk.output.SCHEMA``.
    """

    def __init__(
        self,
        pipeline: str | None = None,
        rules_only: bool = False,
        max_chars: int | None = None,
        batch_size: int = 16,
        output: str = "jsonl",
        text_field: str = "text",
        id_field: str = "id",
    ):
        if output not in ("jsonl", "parquet"):
            raise ValueError(f"unknown output {output!r}: use 'jsonl' or 'parquet'")
        self.processor = Processor(
            pipeline=pipeline, rules_only=rules_only, max_chars=max_chars, batch_size=batch_size
        )
        self.output = output
        self.text_field = text_field
        self.id_field = id_field

    def __call__(self, batch: dict[str, Any]):
        tasks = tasks_from_batch(batch, text_field=self.text_field, id_field=self.id_field)
        return self.records_batch(tasks, self.process(tasks))

    def process(self, tasks: list[Task]) -> list[dict[str, Any]]:
        """The output records of ``tasks``, in their order (override to hook into a run)."""
        return self.processor.process(tasks)

    def records_batch(self, tasks: list[Task], records: list[dict[str, Any]]):
        """Records → an Arrow table: bookkeeping columns plus JSON strings or typed Parquet columns."""
        import pyarrow as pa

        columns = {
            "uid": [t.uid for t in tasks],
            "n_warnings": [len(r.get("warnings", [])) for r in records],
        }
        if self.output == "parquet":
            from .output import SCHEMA, parquet_row

            table = pa.Table.from_pylist([parquet_row(r) for r in records], schema=SCHEMA)
            for name, values in columns.items():
                table = table.append_column(name, pa.array(values, type=_bookkeeping_type(name)))
            return table
        columns.update(
            {
                "id": [r["id"] for r in records],
                "error": [r.get("error") for r in records],
                "chars": [r.get("chars", 0) for r in records],
                "record": [json_line(r) for r in records],
            }
        )
        return pa.table(
            {name: pa.array(values, type=_bookkeeping_type(name)) for name, values in columns.items()}
        )


def _bookkeeping_type(name: str):
    import pyarrow as pa

    return pa.int64() if name in ("chars", "n_warnings") else pa.string()


def tasks_from_batch(batch: dict[str, Any], *, text_field: str = "text", id_field: str = "id") -> list[Task]:
    """The tasks of a Ray Data batch (see ``ExtractWorker`` for the accepted columns)."""
    if "task" in batch:
        return [task_from_json(str(blob)) for blob in batch["task"]]
    if "path" in batch:
        return [Task(uid=Path(str(p)).stem, source=str(p), path=str(p)) for p in batch["path"]]
    if text_field not in batch:
        raise KeyError(f"batch has no 'task', 'path' or {text_field!r} column (columns: {', '.join(batch)})")
    texts = list(batch[text_field])
    ids = [str(i) for i in batch[id_field]] if id_field in batch else [f"row:{n}" for n in range(len(texts))]
    sources = [str(s) for s in batch["source"]] if "source" in batch else ids
    return [
        Task(uid=uid, source=source, document=document_from_text(str(text), uid, source))
        for uid, source, text in zip(ids, sources, texts)
    ]


def records_to_parquet_rows(table):
    """A JSON-records batch (``output="jsonl"``) → the typed columns of ``xxgk.output.SCHEMA``."""
    import pyarrow as pa

    from .output import SCHEMA, parquet_row

    rows = [parquet_row(json.loads(r)) for r in table.column("record").to_pylist()]
    return pa.Table.from_pylist(rows, schema=SCHEMA)


# ---------------------------------------------------------------- Ray session and dataset


@contextmanager
def ray_session(address: str | None = None) -> Iterator[None]:
    """Join the cluster at ``address``, or start a local Ray instance with this machine's CPUs.

    An already initialised Ray (e.g. a test's or the user's) is used as is and left running.
    """
    import ray

    if ray.is_initialized():
        yield
        return
    if address:
        ray.init(address=address, logging_level="warning")
    else:
        # Ray runs workers at niceness 15; on one machine they should compete like the local engine's.
        ray.init(
            num_cpus=os.cpu_count(),
            include_dashboard=False,
            logging_level="warning",
            _system_config={"worker_niceness": 0},
        )
    try:
        yield
    finally:
        ray.shutdown()


def record_blocks(
    tasks: list[Task],
    *,
    workers: int = 2,
    batch_size: int = 16,
    block_size: int = BLOCK_SIZE,
    output: str = "jsonl",
    worker_class: type[ExtractWorker] = ExtractWorker,
    preserve_order: bool = False,
    **worker_kwargs: Any,
):
    """Run ``tasks`` through an actor pool of ``workers``; yields the output blocks (Arrow tables).

    Each Ray task gets ``block_size`` reports (enough work to amortise Ray's per-task cost), which
    the worker's ``Processor`` pipes in batches of ``batch_size``.
    """
    import ray

    if not tasks:
        return
    items = [{"task": task_to_json(t)} for t in tasks]
    n_blocks = -(-len(items) // block_size)
    dataset = ray.data.from_items(items, override_num_blocks=n_blocks)
    dataset = dataset.map_batches(
        worker_class,
        fn_constructor_kwargs={"batch_size": batch_size, "output": output, **worker_kwargs},
        compute=ray.data.ActorPoolStrategy(size=min(workers, n_blocks)),  # no idle actors
        batch_size=block_size,
        batch_format="numpy",
        num_cpus=1,
    )
    dataset.context.enable_progress_bars = sys.stderr.isatty()  # the dataset's own copy of the context
    dataset.context.execution_options.preserve_order = preserve_order
    yield from dataset.iter_batches(batch_size=None, batch_format="pyarrow")


# ---------------------------------------------------------------- the run


def run_extract_ray(
    inputs: list[str],
    out: Path,
    *,
    fmt: str = "jsonl",
    address: str | None = None,
    workers: int = 2,
    text_field: str = "text",
    id_field: str = "id",
    batch_size: int = 16,
    block_size: int = BLOCK_SIZE,
    rules_only: bool = False,
    pipeline: str | None = None,
    resume: bool = False,
    max_chars: int | None = None,
    worker_class: type[ExtractWorker] = ExtractWorker,
) -> Summary:
    """Extract every input with Ray into ``out``: a JSONL file, or a Parquet directory (``fmt``).

    The records equal the local engine's (``xxgk.batch.run_extract``); ``resume`` skips ids already
    in ``out``. ``address`` joins a running cluster (else a local Ray starts with this machine's
    CPUs); ``workers`` is the size of the actor pool, ``block_size`` the reports per Ray task.
    ``worker_class`` may be a subclass of ``ExtractWorker`` (e.g. to post-process records).
    """
    if fmt not in ("jsonl", "parquet"):
        raise ValueError(f"unknown format {fmt!r} for the Ray engine: use jsonl or parquet")
    started = time.perf_counter()
    summary = Summary()
    sink = JsonlOutput(out) if fmt == "jsonl" else ParquetOutput(out)
    skip = sink.done_ids() if resume else sink.clear()
    tasks = list(_skip_done(expand_inputs(inputs, text_field=text_field, id_field=id_field), skip, summary))
    worker_kwargs = {"pipeline": pipeline, "rules_only": rules_only, "max_chars": max_chars}
    seen: set[str] = set()
    try:
        with ray_session(address):
            blocks = record_blocks(
                tasks,
                workers=workers,
                batch_size=batch_size,
                block_size=block_size,
                output=fmt,
                worker_class=worker_class,
                **worker_kwargs,
            )
            for block in blocks:
                block = _first_copies(block, seen)
                sink.write(block)
                _account(summary, block)
    finally:
        sink.close()
    summary.seconds = time.perf_counter() - started
    return summary


def extract_ray(
    items: Iterable[str | Path],
    *,
    pipeline: str | Path | None = None,
    rules_only: bool = False,
    address: str | None = None,
    workers: int = 2,
    batch_size: int = 16,
    block_size: int = BLOCK_SIZE,
) -> Iterator[dict[str, Any]]:
    """Output records for report texts or paths (an existing path is read as a file), in input order."""
    tasks = list(api_tasks(items))
    worker_kwargs = {"pipeline": str(pipeline) if pipeline else None, "rules_only": rules_only}
    seen: set[str] = set()
    with ray_session(address):
        for block in record_blocks(
            tasks,
            workers=workers,
            batch_size=batch_size,
            block_size=block_size,
            preserve_order=True,
            **worker_kwargs,
        ):
            for line in _first_copies(block, seen).column("record").to_pylist():
                yield json.loads(line)


def _first_copies(block, seen: set[str]):
    """The rows of ``block`` whose task was not seen before (a retried batch never duplicates)."""
    import pyarrow as pa

    keep = []
    for uid in block.column("uid").to_pylist():
        keep.append(uid not in seen)
        seen.add(uid)
    return block if all(keep) else block.filter(pa.array(keep))


def _account(summary: Summary, block) -> None:
    columns = [block.column(name).to_pylist() for name in ("id", "error", "chars", "n_warnings")]
    for id_, error, chars, n_warnings in zip(*columns):
        if error is not None:
            summary.failed += 1
            summary.failures.append({"id": id_, "error": error})
        else:
            summary.ok += 1
            summary.warnings += n_warnings
            summary.chars += chars or 0


# ---------------------------------------------------------------- outputs


class JsonlOutput:
    """The records as JSON lines, appended and fsynced per block (the local engine's file format)."""

    def __init__(self, path: Path):
        self.path = path
        self.file = None

    def clear(self) -> set[str]:
        if self.path.exists():
            self.path.unlink()
        return set()

    def done_ids(self) -> set[str]:
        return done_ids(self.path)

    def write(self, block) -> None:
        if self.file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            repair_partial_line(self.path)
            self.file = self.path.open("a", encoding="utf-8")
        self.file.write("".join(line + "\n" for line in block.column("record").to_pylist()))
        self.file.flush()
        os.fsync(self.file.fileno())

    def close(self) -> None:
        if self.file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.touch()
        else:
            self.file.close()


class ParquetOutput:
    """A directory of Parquet files, one per block (written to a temporary name, then renamed),
    and ``manifest.json`` listing the files, their record counts and the pipeline."""

    def __init__(self, directory: Path):
        if directory.exists() and not directory.is_dir():
            raise ValueError(f"{directory}: the Ray engine writes Parquet as a directory, and this is a file")
        self.directory = directory
        self.pipeline: dict[str, str] | None = None
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob(".*.tmp"):  # left by a killed run
            stale.unlink()

    def clear(self) -> set[str]:
        for path in [*self.directory.glob(PART_GLOB), self.directory / MANIFEST]:
            path.unlink(missing_ok=True)
        return set()

    def done_ids(self) -> set[str]:
        import pyarrow.parquet as pq

        ids: set[str] = set()
        for path in self.directory.glob(PART_GLOB):
            ids.update(
                i for i in pq.read_table(path, columns=["id"]).column("id").to_pylist() if i is not None
            )
        return ids

    def write(self, block) -> None:
        import pyarrow.parquet as pq

        if block.num_rows == 0:
            return
        uids = block.column("uid").to_pylist()
        name = f"part-{hashlib.sha1(chr(0).join(uids).encode('utf-8')).hexdigest()[:16]}.parquet"
        tmp = self.directory / f".{name}.tmp"
        pq.write_table(block.drop_columns(["uid", "n_warnings"]), tmp)
        os.replace(tmp, self.directory / name)
        if self.pipeline is None:
            self.note_pipeline(block)

    def note_pipeline(self, table) -> None:
        """Note the pipeline of the first successful record in ``table`` for the manifest."""
        self.pipeline = next((json.loads(p) for p in table.column("pipeline").to_pylist() if p != "{}"), None)

    def close(self) -> None:
        import pyarrow.parquet as pq

        parts = sorted(self.directory.glob(PART_GLOB))
        if self.pipeline is None and parts:  # nothing new: a resumed run that had nothing left to do
            self.note_pipeline(pq.read_table(parts[0], columns=["pipeline"]))
        files = [{"name": p.name, "records": pq.read_metadata(p).num_rows} for p in parts]
        manifest = {
            "format": "xxgk-extract-parquet",
            "engine": "ray",
            "pipeline": self.pipeline,
            "records": sum(f["records"] for f in files),
            "files": files,
        }
        tmp = self.directory / f".{MANIFEST}.tmp"
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.directory / MANIFEST)
