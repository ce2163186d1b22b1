"""The local batch engine behind ``xxgk extract``: inputs → worker processes → durable output.

Workers read, parse and tag their own reports (readers, table parser and pipeline run in the same
process); the main process only expands inputs and appends finished records, batch by batch.
"""

from __future__ import annotations

import gc
import glob
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .extraction import RULES_PIPELINE, analyse_rules, build_record, error_record, load_resources
from .reading import REPORT_EXTENSIONS, ReadError, iter_records, read_path
from .records import Document, Grid, ReadFailure, json_line

RECORD_EXTENSIONS = {".jsonl", ".csv", ".parquet"}
SYNC_SECONDS = 1.0  # longest time between two fsyncs of the output


@dataclass
class Task:
    """One report to process: a file to read in the worker, or a document already read."""

    uid: str
    source: str
    path: str | None = None
    document: Document | None = None
    error: str | None = None


def task_to_json(task: Task) -> str:
    """A task as plain JSON (sent between processes or machines; never pickled)."""
    return json.dumps(asdict(task), ensure_ascii=False)


def task_from_json(data: str) -> Task:
    fields = json.loads(data)
    document = fields.pop("document")
    if document is not None:
        grids = [Grid(g["rows"], g["start"], g["end"], [[tuple(o) if o else None for o in row]
                                                        for row in g.get("offsets", [])])
                 for g in document.pop("grids")]
        document = Document(**document, grids=grids)
    return Task(**fields, document=document)


@dataclass
class Summary:
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    warnings: int = 0
    chars: int = 0
    seconds: float = 0.0
    failures: list[dict[str, str]] = field(default_factory=list)

    def line(self) -> str:
        rate = self.chars / self.seconds if self.seconds else 0.0
        return (f"{self.ok} ok, {self.failed} failed, {self.skipped} skipped (resume), "
                f"{self.warnings} warnings, {self.chars:,} chars in {self.seconds:.1f} s ({rate:,.0f} chars/s)")


# ---------------------------------------------------------------- inputs

def expand_inputs(inputs: Iterable[str], *, text_field: str = "text", id_field: str = "id") -> Iterator[Task]:
    """Files, directories (recursive, by extension), globs, record files and saved HF datasets → tasks."""
    for item in inputs:
        path = Path(item)
        if _is_saved_dataset(path) or (path.is_file() and path.suffix.lower() in RECORD_EXTENSIONS):
            yield from _record_tasks(path, text_field, id_field)
        elif path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in REPORT_EXTENSIONS | RECORD_EXTENSIONS:
                    yield from expand_inputs([str(child)], text_field=text_field, id_field=id_field)
        elif path.exists():
            yield Task(uid=_file_id(path), source=str(path), path=str(path))
        else:
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                yield Task(uid=_file_id(path), source=item, error=f"{item}: no such file, directory or glob match")
            yield from expand_inputs(matches, text_field=text_field, id_field=id_field)


def api_tasks(items: Iterable[str | Path]) -> Iterator[Task]:
    """Tasks for the Python API: an existing path is read as report input, anything else is a text."""
    from .reading import document_from_text, is_report_path

    for n, item in enumerate(items):
        if is_report_path(item):
            yield from expand_inputs([str(item)])
        else:
            uid = f"text:{n}"
            yield Task(uid=uid, source=uid, document=document_from_text(str(item), uid, uid))


def _file_id(path: Path) -> str:
    return path.stem


def _is_saved_dataset(path: Path) -> bool:
    return path.is_dir() and (path / "state.json").exists() and (path / "dataset_info.json").exists()


def _record_tasks(path: Path, text_field: str, id_field: str) -> Iterator[Task]:
    for item in iter_records(path, text_field=text_field, id_field=id_field):
        if isinstance(item, ReadFailure):
            yield Task(uid=item.id, source=item.source, error=item.error)
        else:
            yield Task(uid=item.id, source=item.source, document=item)


# ---------------------------------------------------------------- workers

class ReportTimeout(BaseException):
    """A report took longer than the per-report time limit (a ``BaseException``, like
    ``KeyboardInterrupt``, so that no ``except Exception`` in a library swallows it)."""


@contextmanager
def time_limit(seconds: float | None, what: str) -> Iterator[None]:
    """Raise ``ReportTimeout`` in the block after ``seconds`` (SIGALRM; main thread only, else no limit)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    message = f"{what}: over the time limit of {seconds:g} s"
    fired = []

    def expire(signum, frame):
        fired.append(True)
        raise ReportTimeout(message)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if fired:  # raised where it was ignored (a finaliser run by the garbage collector): late, still over
        raise ReportTimeout(message)


class Processor:
    """Turns tasks into output records, with the rules only or with a trained pipeline.

    ``timeout`` limits the seconds spent reading one report, and (rules only) analysing it.
    """

    def __init__(self, pipeline: str | None = None, rules_only: bool = False, max_chars: int | None = None,
                 batch_size: int = 16, html_dir: str | None = None, timeout: float | None = None):
        self.rules_only = rules_only
        self.html_dir = Path(html_dir) if html_dir else None
        self.max_chars = max_chars
        self.batch_size = batch_size
        self.timeout = timeout
        self.nlp = None
        load_resources()
        if not rules_only:
            from .pipeline import load_pipeline

            self.nlp = load_pipeline(pipeline)

    @property
    def pipeline_info(self) -> dict[str, str]:
        if self.nlp is None:
            return dict(RULES_PIPELINE)
        return {"name": f"{self.nlp.meta['lang']}_{self.nlp.meta['name']}", "version": self.nlp.meta["version"]}

    def read(self, task: Task) -> Document | dict[str, Any]:
        if task.error:
            return error_record(task.uid, task.source, task.error)
        if task.document is not None:
            document = task.document
            if self.max_chars is not None and len(document.text) > self.max_chars:
                return error_record(task.uid, task.source,
                                    f"{task.source}: {len(document.text):,} chars exceeds --max-chars {self.max_chars:,}")
            return document
        try:
            with time_limit(self.timeout, task.source):
                document = read_path(task.path, max_chars=self.max_chars)
        except (ReadError, ReportTimeout) as err:
            return error_record(task.uid, task.source, str(err))
        except Exception as err:  # a reader bug or an odd file must not stop the batch
            return error_record(task.uid, task.source, f"{task.source}: unexpected error: {type(err).__name__}: {err}")
        document.id = task.uid
        return document

    def process(self, tasks: list[Task]) -> list[dict[str, Any]]:
        read = [self.read(t) for t in tasks]
        documents = [d for d in read if isinstance(d, Document)]
        records = {d.id: r for d, r in zip(documents, self._records(documents))}
        if self.html_dir is not None:
            from .review import write_report_page

            for document in documents:
                write_report_page(records[document.id], document.text, self.html_dir)
        return [records[item.id] if isinstance(item, Document) else item for item in read]

    def _records(self, documents: list[Document]) -> list[dict[str, Any]]:
        if self.nlp is None:
            return [self._guarded(d, self._rules_record) for d in documents]
        from .pipeline import analysis_from_doc, make_docs

        try:
            docs = self.nlp.pipe(make_docs(self.nlp, documents), batch_size=self.batch_size)
            return [build_record(d, analysis_from_doc(doc), self.pipeline_info) for d, doc in zip(documents, docs)]
        except Exception:  # isolate the report that broke the batch
            return [self._guarded(d, self._model_record) for d in documents]

    def _rules_record(self, document: Document) -> dict[str, Any]:
        with time_limit(self.timeout, document.source):
            return build_record(document, analyse_rules(document), self.pipeline_info)

    def _model_record(self, document: Document) -> dict[str, Any]:
        from .pipeline import analysis_from_doc, make_docs

        doc = next(iter(self.nlp.pipe(make_docs(self.nlp, [document]))))
        return build_record(document, analysis_from_doc(doc), self.pipeline_info)

    @staticmethod
    def _guarded(document: Document, fn) -> dict[str, Any]:
        try:
            return fn(document)
        except ReportTimeout as err:
            return error_record(document.id, document.source, str(err))
        except Exception as err:  # one broken report never stops the batch
            return error_record(document.id, document.source,
                                f"{document.source}: processing failed: {type(err).__name__}: {err}")


_WORKER: Processor | None = None


def _init_worker(kwargs: dict[str, Any]) -> None:
    global _WORKER
    _WORKER = Processor(**kwargs)
    gc.freeze()  # the worker's modules, patterns and pipeline live as long as it


def _work(tasks: list[Task]) -> list[Written]:
    return written(_WORKER.process(tasks))


@dataclass
class Written:
    """One output record as its JSONL line, with what the run summary needs. Workers send these,
    so the records are serialised in parallel and only strings cross between processes."""

    line: str
    uid: str
    chars: int
    warnings: int
    error: str | None


def written(records: list[dict[str, Any]]) -> list[Written]:
    return [Written(json_line(r) + "\n", r["id"], r.get("chars", 0), len(r.get("warnings", [])),
                    r.get("error")) for r in records]


# ---------------------------------------------------------------- output

class JsonlSink:
    """Append-only JSONL output; resumable. Flushed per batch, so a killed run keeps every batch
    it finished; fsynced at most every ``sync_seconds`` and on close, so that a fast rules-only run
    is not paced by the disk while a machine crash still loses at most that much."""

    def __init__(self, path: Path, sync_seconds: float = SYNC_SECONDS):
        self.path = path
        self.sync_seconds = sync_seconds
        path.parent.mkdir(parents=True, exist_ok=True)
        repair_partial_line(path)
        self.file = path.open("a", encoding="utf-8")
        self.synced = time.monotonic()

    def write(self, records: list[Written]) -> None:
        self.file.write("".join(r.line for r in records))
        self.file.flush()
        if time.monotonic() - self.synced >= self.sync_seconds:
            self.sync()

    def sync(self) -> None:
        os.fsync(self.file.fileno())
        self.synced = time.monotonic()

    def close(self) -> None:
        self.sync()
        self.file.close()


def repair_partial_line(path: Path) -> None:
    """Cut a partial last line left by a killed run, so every line is a complete record."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb+") as f:
        data = f.read()
        keep = data.rfind(b"\n") + 1
        if keep != len(data):
            f.truncate(keep)


def done_ids(path: Path) -> set[str]:
    """Ids of the complete records already in ``path``."""
    if not path.exists():
        return set()
    ids = set()
    with path.open(encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.endswith("\n"):
                try:
                    ids.add(json.loads(line)["id"])
                except (json.JSONDecodeError, KeyError, TypeError):
                    continue
    return ids


# ---------------------------------------------------------------- the run

def batched(tasks: Iterable[Task], size: int) -> Iterator[list[Task]]:
    batch: list[Task] = []
    for task in tasks:
        batch.append(task)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_extract(
    inputs: list[str],
    out: Path,
    *,
    text_field: str = "text",
    id_field: str = "id",
    batch_size: int = 16,
    n_process: int = 1,
    rules_only: bool = False,
    pipeline: str | None = None,
    resume: bool = False,
    max_chars: int | None = None,
    html_dir: Path | None = None,
    progress: Progress | None = None,
    timeout: float | None = None,
) -> Summary:
    """Extract every input into the JSONL file ``out``; returns the run summary. ``timeout`` is the
    per-report time limit in seconds: a report over it becomes an error record."""
    started = time.perf_counter()
    summary = Summary()
    if not resume and out.exists():
        out.unlink()
    skip = done_ids(out) if resume else set()
    tasks = _skip_done(expand_inputs(inputs, text_field=text_field, id_field=id_field), skip, summary)
    sink = JsonlSink(out)
    worker_args = {"pipeline": pipeline, "rules_only": rules_only, "max_chars": max_chars, "batch_size": batch_size,
                   "html_dir": str(html_dir) if html_dir else None, "timeout": timeout}
    try:
        for records in _run_batches(batched(tasks, batch_size), worker_args, n_process):
            sink.write(records)
            _account(summary, records)
            if progress:
                progress.update(len(records), sum(r.chars for r in records))
    finally:
        sink.close()
        if progress:
            progress.close()
    if html_dir is not None:
        from .review import write_index

        write_index(out, html_dir)
    summary.seconds = time.perf_counter() - started
    return summary


def _skip_done(tasks: Iterable[Task], skip: set[str], summary: Summary) -> Iterator[Task]:
    seen: set[str] = set()
    for task in tasks:
        if task.uid in skip:
            summary.skipped += 1
            continue
        if task.uid in seen:  # duplicate ids across inputs: keep every report, once each
            task.uid = f"{task.uid}@{task.source}"
        seen.add(task.uid)
        yield task


def _run_batches(batches: Iterator[list[Task]], worker_args: dict[str, Any],
                 n_process: int) -> Iterator[list[Written]]:
    if n_process <= 1:
        processor = Processor(**worker_args)
        with _frozen_heap():
            for batch in batches:
                yield written(processor.process(batch))
        return
    load_resources()  # forked workers share them
    with ProcessPoolExecutor(max_workers=n_process, initializer=_init_worker, initargs=(worker_args,)) as pool:
        pending: list[Future] = []
        for batch in batches:
            pending.append(pool.submit(_work, batch))
            if len(pending) >= 2 * n_process:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """Keep the objects alive now (modules, patterns, the caller's data) out of the garbage
    collector's full passes for the run: on a rules-only run they would cost several percent."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _account(summary: Summary, records: list[Written]) -> None:
    for record in records:
        if record.error is not None:
            summary.failed += 1
            summary.failures.append({"id": record.uid, "error": record.error})
        else:
            summary.ok += 1
            summary.warnings += record.warnings
            summary.chars += record.chars


class Progress:
    """A tqdm bar on a terminal, plain periodic lines otherwise."""

    def __init__(self, total: int | None = None, every: float = 10.0, stream=None):
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()
        self.last = self.started
        self.every = every
        self.reports = 0
        self.chars = 0
        self.total = total
        self.bar = None
        if self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="report", file=self.stream)

    def update(self, reports: int, chars: int) -> None:
        self.reports += reports
        self.chars += chars
        elapsed = time.perf_counter() - self.started
        rate = self.chars / elapsed if elapsed else 0.0
        if self.bar is not None:
            self.bar.update(reports)
            self.bar.set_postfix_str(f"{rate:,.0f} chars/s")
        elif time.perf_counter() - self.last >= self.every:
            self.last = time.perf_counter()
            eta = ""
            if self.total:
                eta = f", ETA {(self.total - self.reports) * elapsed / max(self.reports, 1):.0f} s"
            print(f"[xxgk] {self.reports} reports, {rate:,.0f} chars/s{eta}", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
