"""xxgk: government information-disclosure annual reports into data.

>>> import xxgk
>>> nlp = xxgk.load()                       # the bundled spaCy pipeline
>>> records = list(xxgk.extract(["samples/seed-hubei-ipo-2016.txt"]))
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

__version__ = "0.1.0"


def load(path: str | Path | None = None):
    """The trained pipeline at ``path`` (default: the bundled one), loaded offline."""
    from .pipeline import load_pipeline

    return load_pipeline(path)


def extract(
    items: Iterable[str | Path],
    *,
    pipeline: str | Path | None = None,
    rules_only: bool = False,
    engine: str = "local",
    batch_size: int = 16,
    **engine_options: Any,
) -> Iterator[dict[str, Any]]:
    """Output records (formats.md) for report texts or paths (an existing path is read as a file)."""
    from .batch import Processor, api_tasks, batched

    if engine == "ray":
        from .engine_ray import extract_ray

        yield from extract_ray(items, pipeline=pipeline, rules_only=rules_only, batch_size=batch_size,
                               **engine_options)
        return
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}: use 'local' or 'ray'")

    processor = Processor(pipeline=str(pipeline) if pipeline else None, rules_only=rules_only,
                          batch_size=batch_size)
    for batch in batched(api_tasks(items), batch_size):
        yield from processor.process(batch)
