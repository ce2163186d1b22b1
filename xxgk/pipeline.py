"""Loading the trained pipeline and reading its annotations back into an ``Analysis``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import components  # noqa: F401  (registers the factories when xxgk is not installed)
from .extraction import Analysis, analyse_structure
from .records import Document, Span
from .tokenizer import text_of

TRAILING_PUNCT = set("。;；,，、")
BUNDLED = Path(__file__).resolve().parents[1] / "pipelines" / "xxgk_zh"


def default_pipeline_path() -> Path:
    """``$XXGK_PIPELINE`` if set, else the pipeline bundled in ``pipelines/``."""
    return Path(os.environ.get("XXGK_PIPELINE", BUNDLED))


def load_pipeline(path: str | Path | None = None) -> Language:
    """Load a pipeline from a directory the user names (or the bundled one); never downloads."""
    path = Path(path) if path else default_pipeline_path()
    if not (path / "config.cfg").exists():
        raise FileNotFoundError(f"{path}: not a spaCy pipeline directory (no config.cfg)")
    return spacy.load(path)


def make_docs(nlp: Language, documents: list[Document]) -> Iterator[Doc]:
    """Tokenised docs carrying their source's table grids, ready for ``nlp.pipe``."""
    from_document = getattr(nlp.tokenizer, "from_document", None)
    for document in documents:
        if from_document is not None:
            yield from_document(document)
            continue
        doc = nlp.make_doc(document.text)
        doc._.grids = document.grids
        yield doc


def analysis_from_doc(doc: Doc) -> Analysis:
    """The analysis a processed doc carries, with model entities and statements."""
    text = text_of(doc)
    analysis = doc._.xxgk or analyse_structure(Document(id="", source="", text=text))
    analysis.entities = [
        Span(e.start_char, e.end_char, e.label_, e.text, _count_attrs(e)) for e in doc.ents
    ]
    analysis.statements = [_trimmed(text, s.start_char, s.end_char, s.label_)
                           for s in doc.spans.get("statements", [])]
    return analysis


def _trimmed(text: str, start: int, end: int, label: str) -> Span:
    """A statement without the surrounding white space and final punctuation (guidelines)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in TRAILING_PUNCT):
        end -= 1
    return Span(start, end, label, text[start:end])


def _count_attrs(ent) -> dict:
    if ent.label_ != "COUNT":
        return {}
    return {attr: ent._.get(attr) for attr in components.COUNT_ATTRS if ent._.get(attr) is not None}
