"""Training the xxgk pipeline with spaCy's own machinery (config + ``spacy train``).

``build_corpus`` turns gold (and optional silver) JSONL into ``.spacy`` files tokenised by the
pipeline's pkuseg segmenter; ``train_pipeline`` runs ``spacy.cli.train`` and writes
``pipelines/<name>/`` with its scores and a training-data summary in ``meta.json``.
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.training import Example
from spacy.util import registry

from . import __version__, components  # noqa: F401  (components: registers factories)
from .annotations import ENTITY_LABELS, STATEMENT_LABELS, read_jsonl

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "training" / "configs" / "xxgk_zh.cfg"


# The rule mix of ``xxgk_rule_entities`` switched off: during training, so that checkpoints are
# chosen by the trained components' own dev score (the rule spans would hide them).
MODEL_ONLY = {"components.xxgk_rule_entities.rule_labels": [], "components.xxgk_rule_entities.model_labels": None,
              "components.xxgk_rule_entities.statements": "model"}


@dataclass
class CorpusSummary:
    """What went into one ``.spacy`` file."""

    docs: int = 0
    spans: Counter = field(default_factory=Counter)
    misaligned: Counter = field(default_factory=Counter)

    def to_json(self) -> dict[str, Any]:
        return {"docs": self.docs, "spans": dict(self.spans), "misaligned": dict(self.misaligned)}


@registry.augmenters("xxgk.rule_tags.v1")
def create_rule_tag_augmenter(
    dropout: float = 0.0, disagreement_copies: int = 0, dropout_labels: list[str] | None = None, seed: int = 0
) -> Callable[[Language, Example], Iterator[Example]]:
    """Augmenter for a NER that reads the labelling functions' IOB tags (token ``TAG``).

    ``dropout``: each rule entity loses its tags (``B-``/``I-`` → ``O``) with this probability, so
    the NER also learns the contexts of entities, not only the tags; ``dropout_labels`` limits it to
    entities of these labels (``null``: all). ``disagreement_copies``: a
    passage whose rule tags disagree with its gold entities is given this many extra times, so the
    corrections the model must learn weigh more than the many passages where the rules are right.
    """
    rng = random.Random(seed)

    def augment(nlp: Language, example: Example) -> Iterator[Example]:
        copies = 1 + (disagreement_copies if rules_disagree(example) else 0)
        for _ in range(copies):
            yield with_dropped_tags(nlp, example, dropout, rng, dropout_labels) if dropout > 0 else example

    return augment


def rules_disagree(example: Example) -> bool:
    """Whether the labelling functions' entities (which the tokenizer turned into the predicted
    doc's tags) differ from the reference entities."""
    rules = {(s.start, s.end, s.label) for s in example.predicted._.weak.entities}
    return rules != {(e.start_char, e.end_char, e.label_) for e in example.reference.ents}


def with_dropped_tags(nlp: Language, example: Example, level: float, rng: random.Random,
                      labels: list[str] | None = None) -> Example:
    """A copy of the example whose predicted doc has rule entities dropped (``drop_rule_tags``)."""
    predicted = example.predicted
    tags = drop_rule_tags([t.tag_ for t in predicted], level, rng, labels)
    doc = Doc(nlp.vocab, words=[t.text for t in predicted], spaces=[bool(t.whitespace_) for t in predicted],
              tags=tags)
    doc.user_data.update(predicted.user_data)
    return Example(doc, example.reference)


def drop_rule_tags(tags: list[str], level: float, rng: random.Random,
                   labels: list[str] | None = None) -> list[str]:
    """The IOB rule tags with each entity (a ``B-`` tag and its ``I-`` tags) set to ``O`` with
    probability ``level``; only entities of ``labels`` if given."""
    out, dropping = [], False
    for tag in tags:
        if tag.startswith("B-"):
            dropping = (labels is None or tag[2:] in labels) and rng.random() < level
        elif not tag.startswith("I-"):
            dropping = False
        out.append("O" if dropping and tag != "O" else tag)
    return out


def tokenizer_nlp(config_path: Path = CONFIG, overrides: dict[str, Any] | None = None) -> Language:
    """A blank pipeline from the config with only its tokenizer initialised (pkuseg model loaded)."""
    config = spacy.util.load_config(config_path, overrides=overrides or {}, interpolate=True)
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": config["nlp"]["tokenizer"]}})
    init = config["initialize"]["tokenizer"]
    if config["nlp"]["tokenizer"].get("segmenter") == "pkuseg":
        nlp.tokenizer.initialize(pkuseg_model=init["pkuseg_model"], pkuseg_user_dict=init["pkuseg_user_dict"])
    return nlp


def record_to_doc(nlp: Language, record: dict[str, Any], summary: CorpusSummary):
    """A reference Doc with gold entities and statements; spans off token boundaries are counted."""
    doc = nlp.make_doc(record["text"])
    ents, statements = [], []
    for span in record.get("spans", []):
        aligned = doc.char_span(span["start"], span["end"], label=span["label"], alignment_mode="strict")
        if aligned is None:
            summary.misaligned[span["label"]] += 1
            continue
        summary.spans[span["label"]] += 1
        (ents if span["label"] in ENTITY_LABELS else statements).append(aligned)
    doc.ents = ents
    doc.spans["statements"] = [s for s in statements if s.label_ in STATEMENT_LABELS]
    return doc


def write_docbin(nlp: Language, records: Iterable[dict[str, Any]], path: Path) -> CorpusSummary:
    summary = CorpusSummary()
    docbin = DocBin(store_user_data=False)
    for record in records:
        docbin.add(record_to_doc(nlp, record, summary))
        summary.docs += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(path)
    return summary


def split_records(paths: list[Path]) -> dict[str, list[dict[str, Any]]]:
    """Annotated records by ``meta.split`` (extra files without a split count as train)."""
    by_split: dict[str, list[dict[str, Any]]] = {"train": [], "dev": [], "test": []}
    for path in paths:
        for record in read_jsonl(path):
            if "spans" in record:
                by_split[record.get("meta", {}).get("split", "train")].append(record)
    return by_split


def silver_records(texts: Iterable[tuple[str, str]]) -> Iterable[dict[str, Any]]:
    """Weak-label annotations of unannotated texts (id, text), in the gold record shape."""
    from .weak_labels import weak_annotate

    for uid, text in texts:
        weak = weak_annotate(text)
        spans = [{"start": s.start, "end": s.end, "label": s.label} for s in weak.entities + weak.statements]
        yield {"id": uid, "text": text, "spans": spans, "meta": {"silver": True}}


def build_corpus(annotation_files: list[Path], out_dir: Path, config_path: Path = CONFIG,
                 train_fraction: float = 1.0, seed: int = 0, overrides: dict[str, Any] | None = None,
                 silver_files: list[Path] | None = None) -> dict[str, CorpusSummary]:
    """``train/dev/test.spacy`` in ``out_dir`` from the annotation files (train subsampled if asked),
    with weak-label (silver) annotations of the texts in ``silver_files`` added to train."""
    import random

    nlp = tokenizer_nlp(config_path, overrides)
    by_split = split_records(annotation_files)
    if train_fraction < 1.0:
        rng = random.Random(seed)
        train = by_split["train"]
        by_split["train"] = rng.sample(train, max(1, round(len(train) * train_fraction)))
    for path in silver_files or []:
        texts = ((str(r.get("id")), r["text"]) for r in read_jsonl(path))
        by_split["train"].extend(silver_records(texts))
    return {name: write_docbin(nlp, records, out_dir / f"{name}.spacy") for name, records in by_split.items()}


def train_pipeline(
    annotation_files: list[Path],
    output: Path,
    *,
    config_path: Path = CONFIG,
    seed: int = 0,
    max_steps: int | None = None,
    train_fraction: float = 1.0,
    overrides: dict[str, Any] | None = None,
    work_dir: Path | None = None,
    silver_files: list[Path] | None = None,
) -> dict[str, Any]:
    """Build the corpus, run ``spacy train``, write the best pipeline to ``output`` with meta.json."""
    from spacy.cli.train import train as spacy_train

    temporary_work_dir = work_dir is None
    work_dir = work_dir or output.parent / f".{output.name}-work"
    overrides = dict(overrides or {})
    summaries = build_corpus(annotation_files, work_dir / "corpus", config_path, train_fraction, seed, overrides,
                             silver_files)
    overrides.update({"paths.train": str(work_dir / "corpus" / "train.spacy"),
                      "paths.dev": str(work_dir / "corpus" / "dev.spacy"), "system.seed": seed})
    if max_steps is not None:
        overrides["training.max_steps"] = max_steps
    started = time.perf_counter()
    spacy_train(config_path, work_dir / "model", overrides={**overrides, **MODEL_ONLY})
    seconds = time.perf_counter() - started
    best = work_dir / "model" / "model-best"
    if output.exists():
        shutil.rmtree(output)
    shutil.copytree(best, output)
    restore_rule_mix(output, config_path, overrides)
    if temporary_work_dir:
        shutil.rmtree(work_dir)
    meta_path = output / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update({"name": output.name, "version": __version__, "training_seconds": round(seconds, 1), "seed": seed,
                 "training_data": {name: s.to_json() for name, s in summaries.items()},
                 "annotation_files": [str(p) for p in annotation_files],
                 "silver_files": [str(p) for p in silver_files or []]})
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return meta


def restore_rule_mix(pipeline_dir: Path, config_path: Path, overrides: dict[str, Any]) -> None:
    """Give the trained pipeline the rule mix of its config (trained with ``MODEL_ONLY``); the
    component has no weights, so only ``config.cfg`` changes."""
    final = spacy.util.load_config(config_path, overrides=overrides, interpolate=True)
    config = spacy.util.load_config(pipeline_dir / "config.cfg")
    config["components"]["xxgk_rule_entities"] = final["components"]["xxgk_rule_entities"]
    config.to_disk(pipeline_dir / "config.cfg")


def learning_curve(gold: Path, out_dir: Path, *, fractions: tuple[float, ...] = (0.1, 0.25, 0.5, 0.75, 1.0),
                   seed: int = 0, max_steps: int | None = None) -> dict[str, Any]:
    """Train on growing shares of the train split, score each on dev; JSON + PNG in ``out_dir``.

    The trained components are scored alone (the rule mix of ``xxgk_rule_entities`` switched off),
    so that the curve shows what more annotation buys the model."""
    from .annotations import records_in_split
    from .evaluation import predict_records, score

    dev = records_in_split(gold, "dev")
    points = []
    for fraction in fractions:
        model_dir = out_dir / f"model-{int(fraction * 100)}"
        meta = train_pipeline([gold], model_dir, seed=seed, max_steps=max_steps, train_fraction=fraction,
                              overrides=MODEL_ONLY)
        scores = score(dev, predict_records(dev, str(model_dir))).to_json()
        points.append({"fraction": fraction, "train_docs": meta["training_data"]["train"]["docs"],
                       "f1": {**{label: v["f"] for label, v in scores["entities"]["per_label"].items()},
                              **{label: v["f"] for label, v in scores["statements_overlap"]["per_label"].items()}},
                       "training_seconds": meta["training_seconds"]})
        shutil.rmtree(model_dir)
    result = {"gold": str(gold), "seed": seed, "max_steps": max_steps, "points": points}
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "learning_curve.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    plot_learning_curve(result, out_dir / "learning_curve.png")
    return result


def plot_learning_curve(result: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    points = result["points"]
    for label in points[0]["f1"]:
        ax.plot([p["train_docs"] for p in points], [p["f1"][label] for p in points], marker="o", label=label)
    ax.set_xlabel("training passages")
    ax.set_ylabel("dev F1 (entities exact, statements overlap)")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
