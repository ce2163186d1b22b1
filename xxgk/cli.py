"""The ``xxgk`` command line: one command per stage."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

app = typer.Typer(help="Government information-disclosure annual reports into data.", no_args_is_help=True,
                  add_completion=False)


@app.command()
def tables(paths: list[str] = typer.Argument(..., help="Report files, directories or record files")) -> None:
    """Parse the statistical tables: one JSON document for one report, JSON lines for several."""
    from .batch import Processor, expand_inputs
    from .records import Document
    from .tables import parse_tables

    processor = Processor(rules_only=True)
    outputs = []
    for task in expand_inputs(paths):
        document = processor.read(task)
        if not isinstance(document, Document):
            typer.echo(f"error: {document['error']}", err=True)
            outputs.append(document)
            continue
        result = parse_tables(document.text, document.grids or None)
        outputs.append({"id": document.id, "source": document.source, "format": result.format,
                        "tables": result.tables, "tables_raw": result.tables_raw,
                        "extra": result.extra, "checks": [vars(c) for c in result.checks],
                        "warnings": [*document.warnings, *result.warnings]})
    if len(outputs) == 1:
        typer.echo(json.dumps(outputs[0], ensure_ascii=False, indent=2))
    else:
        for output in outputs:
            typer.echo(json.dumps(output, ensure_ascii=False))


@app.command()
def extract(
    inputs: list[str] = typer.Argument(..., help="Files, directories, globs, JSONL/CSV/Parquet, saved datasets"),
    out: Path = typer.Option(..., "-o", "--output", help="Output file"),
    fmt: str = typer.Option("jsonl", "--format", help="jsonl | parquet | csv"),
    text_field: str = typer.Option("text", help="Text column of record files"),
    id_field: str = typer.Option("id", help="Id column of record files"),
    batch_size: int = typer.Option(16, help="Reports per batch (nlp.pipe batch and output flush)"),
    n_process: int = typer.Option(1, help="Worker processes"),
    rules_only: bool = typer.Option(False, "--rules-only", help="Tables, sections and weak labels; no model"),
    pipeline: Path = typer.Option(None, help="Pipeline directory (default: the bundled one)"),
    resume: bool = typer.Option(False, help="Skip reports whose id is already in the output"),
    max_chars: int = typer.Option(5_000_000, help="Reject reports longer than this (bounds memory per process)"),
    timeout: float = typer.Option(None, help="Seconds allowed to read (and, rules-only, analyse) one report"),
    html: Path = typer.Option(None, help="Write a static review page per report into this directory"),
    engine: str = typer.Option("local", help="local | ray"),
    address: str = typer.Option(None, help="Ray: address of a running cluster (default: start a local one)"),
    workers: int = typer.Option(2, help="Ray: size of the worker (actor) pool"),
) -> None:
    """Batch extraction: one record per report (formats.md), errors as records, resumable."""
    from .batch import Progress, run_extract
    from .output import convert_output

    if fmt not in {"jsonl", "parquet", "csv"}:
        raise typer.BadParameter(f"unknown format {fmt!r}: use jsonl, parquet or csv")
    if engine == "ray":
        from .engine_ray import run_extract_ray

        if fmt == "csv" or html:
            raise typer.BadParameter("--engine ray writes jsonl or parquet, without --html")
        summary = run_extract_ray(inputs, out, fmt=fmt, address=address, workers=workers, text_field=text_field,
                                  id_field=id_field, batch_size=batch_size, rules_only=rules_only,
                                  pipeline=str(pipeline) if pipeline else None, resume=resume, max_chars=max_chars)
        _report(summary)
        return
    if engine != "local":
        raise typer.BadParameter(f"unknown engine {engine!r}: use local or ray")
    jsonl = out if fmt == "jsonl" else out.with_name(out.name + ".jsonl")
    summary = run_extract(inputs, jsonl, text_field=text_field, id_field=id_field, batch_size=batch_size,
                          n_process=n_process, rules_only=rules_only, pipeline=str(pipeline) if pipeline else None,
                          resume=resume, max_chars=max_chars, timeout=timeout, html_dir=html,
                          progress=Progress())
    if fmt != "jsonl":
        convert_output(jsonl, out, fmt)
    _report(summary)


def _report(summary) -> None:
    """Every failure, then the run summary, on stderr."""
    for failure in summary.failures:
        typer.echo(f"failed: {failure['error']}", err=True)
    typer.echo(summary.line(), err=True)


annotations_app = typer.Typer(help="Annotated corpora: validate, convert, agreement, splits.", no_args_is_help=True)
app.add_typer(annotations_app, name="annotations")


@annotations_app.command("validate")
def annotations_validate(path: Path) -> None:
    """Check offsets, labels, layer overlaps and the bracket rule; report every problem with its id."""
    from .annotations import validate_file

    try:
        problems = validate_file(path)
    except (OSError, ValueError) as err:
        typer.echo(f"{path}: {err}", err=True)
        raise typer.Exit(2) from None
    for problem in problems:
        typer.echo(f"{path}: {problem}")
    typer.echo(f"{path}: {len(problems)} problem(s)", err=True)
    raise typer.Exit(1 if problems else 0)


@annotations_app.command("import")
def annotations_import(path: Path, out: Path = typer.Option(..., "-o"),
                       fmt: str = typer.Option(..., "--from", help="doccano | label-studio")) -> None:
    """Convert a doccano JSONL or Label Studio JSON export into the project's JSONL."""
    from .annotations import import_file, write_jsonl

    n = write_jsonl(out, import_file(path, fmt))
    typer.echo(f"{n} records -> {out}", err=True)


@annotations_app.command("export")
def annotations_export(path: Path, out: Path = typer.Option(..., "-o"),
                       fmt: str = typer.Option(..., "--to", help="doccano | label-studio")) -> None:
    """Export the project's JSONL to doccano JSONL or a Label Studio JSON import file."""
    from .annotations import export_file, read_jsonl

    records = list(read_jsonl(path))
    export_file(records, out, fmt)
    typer.echo(f"{len(records)} records -> {out}", err=True)


@annotations_app.command("agreement")
def annotations_agreement(first: Path, second: Path,
                          disagreements_out: Path = typer.Option(None, "--disagreements")) -> None:
    """Inter-annotator agreement: exact span F1 between two passes (files or pass directories), per label."""
    from .annotations import agreement, disagreements, read_pass, write_jsonl

    a, b = read_pass(first), read_pass(second)
    scores = agreement(a, b)
    typer.echo(f"{'label':10} {'F1':>6} {'both':>6} {'first':>6} {'second':>6}")
    for label, s in scores.items():
        typer.echo(f"{label:10} {s['f1']:6.3f} {s['both']:6d} {s['first']:6d} {s['second']:6d}")
    if disagreements_out:
        n = write_jsonl(disagreements_out, disagreements(a, b))
        typer.echo(f"{n} disagreements -> {disagreements_out}", err=True)


@annotations_app.command("stats")
def annotations_stats(path: Path = typer.Argument(Path("annotations/gold.jsonl"))) -> None:
    """Counts per label per split (the split stored in each record's meta)."""
    from .annotations import SPLITS, label_counts, read_jsonl

    records = list(read_jsonl(path))
    counts = label_counts(records, {r["id"]: r.get("meta", {}).get("split", "train") for r in records})
    columns = ["records", "AGENCY", "YEAR", "COUNT", "MEASURE", "PROBLEM"]
    typer.echo(f"{'split':6} " + " ".join(f"{c:>8}" for c in columns))
    for name in SPLITS:
        typer.echo(f"{name:6} " + " ".join(f"{counts[name][c]:8d}" for c in columns))


@annotations_app.command("split")
def annotations_split(path: Path = typer.Argument(Path("annotations/gold.jsonl")), seed: int = 5) -> None:
    """Assign train/dev/test (grouped by agency, stratified by section, fixed seed) into each record's meta.

    The default seed 5 is the first whose dev and test splits each hold at least 15 spans of each
    statement label (seeds 0-11 compared by label counts only).
    """
    from .annotations import assign_splits, read_jsonl, write_jsonl

    records = list(read_jsonl(path))
    split = assign_splits(records, seed=seed)
    for record in records:
        record.setdefault("meta", {})["split"] = split[record["id"]]
    write_jsonl(path, records)
    annotations_stats(path)


@app.command()
def evaluate(
    gold: Path = typer.Option(..., help="Gold JSONL (formats.md)"),
    pipeline: Path = typer.Option(None, help="Pipeline directory (default: the bundled one)"),
    split: str = typer.Option(None, help="Only records whose meta.split is this (train/dev/test)"),
    output: Path = typer.Option(None, help="Write all scores as JSON here"),
    errors: Path = typer.Option(None, help="Write the error report (FP/FN by label and kind) here"),
    compare: Path = typer.Option(None, help="A second pipeline to compare with, per label"),
    rules_only: bool = typer.Option(False, "--rules-only", help="Score only the rules baseline"),
) -> None:
    """Score the pipeline and the rules-only baseline on a gold file, side by side."""
    from .annotations import records_in_split
    from .evaluation import error_report, format_table, predict_records, score

    records = records_in_split(gold, split)
    if not records:
        raise typer.BadParameter(f"{gold}: no gold records" + (f" in split {split!r}" if split else ""))
    predictors = {"rules": (None, True)}
    if not rules_only:
        predictors = {"pipeline": (str(pipeline) if pipeline else None, False), **predictors}
    if compare:
        predictors["compare"] = (str(compare), False)
    outputs = {name: predict_records(records, path, rules) for name, (path, rules) in predictors.items()}
    results = {name: score(records, outs).to_json() for name, outs in outputs.items()}
    if compare:
        results["difference"] = _difference(results[next(iter(predictors))], results["compare"])
    typer.echo(f"{gold}: {len(records)} records" + (f" (split {split})" if split else ""))
    typer.echo(format_table({k: v for k, v in results.items() if k != "difference"}))
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    if errors:
        errors.parent.mkdir(parents=True, exist_ok=True)
        report = error_report(records, outputs[next(iter(predictors))])
        errors.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


def _difference(first: dict, second: dict) -> dict:
    """Per-label F1 of ``second`` minus ``first``."""
    out = {}
    for layer in ("entities", "statements_exact", "statements_overlap"):
        out[layer] = {label: round(second[layer]["per_label"][label]["f"] - first[layer]["per_label"][label]["f"], 4)
                      for label in first[layer]["per_label"]}
        out[layer]["micro"] = round(second[layer]["micro"]["f"] - first[layer]["micro"]["f"], 4)
    return out


@app.command()
def train(
    annotation_files: list[Path] = typer.Argument(None, help="Gold JSONL files (default: annotations/gold.jsonl)"),
    output: Path = typer.Option(Path("pipelines/xxgk_zh"), "-o", "--output", help="Pipeline directory to write"),
    config: Path = typer.Option(None, help="Training config (default: training/configs/xxgk_zh.cfg)"),
    seed: int = typer.Option(0),
    max_steps: int = typer.Option(None, help="Override training.max_steps"),
    train_fraction: float = typer.Option(1.0, help="Train on this share of the train split"),
    silver: list[Path] = typer.Option(None, help="JSONL texts to weak-label and add to train (silver)"),
) -> None:
    """Retrain the pipeline from the annotations (plus any extra annotation files), with a seed."""
    from .training import CONFIG, ROOT, train_pipeline

    files = annotation_files or [ROOT / "annotations" / "gold.jsonl"]
    meta = train_pipeline(files, output, config_path=config or CONFIG, seed=seed, max_steps=max_steps,
                          train_fraction=train_fraction, silver_files=silver or None)
    typer.echo(f"pipeline written to {output} in {meta['training_seconds']} s; "
               f"dev ents_f={meta.get('performance', {}).get('ents_f')}", err=True)


weak_app = typer.Typer(help="The weak labelers (labelling functions).", no_args_is_help=True)
app.add_typer(weak_app, name="weak")


@weak_app.command("score")
def weak_score(
    gold: Path = typer.Option(Path("annotations/gold.jsonl"), help="Gold JSONL"),
    split: str = typer.Option("dev", help="Split to score on (meta.split); 'all' for every record"),
    output: Path = typer.Option(None, help="Write the scores as JSON here"),
) -> None:
    """Score each labelling function alone and their combination against gold (P/R/F per label)."""
    from .annotations import read_jsonl
    from .evaluation import Scores, gold_spans
    from .sectioning import find_sections
    from .tables import parse_tables
    from .weak_labels import LABELERS, make_context, weak_annotate

    records = [r for r in read_jsonl(gold) if "spans" in r and (split == "all" or r.get("meta", {}).get("split") == split)]
    per_labeler = {name: Scores() for name in LABELERS}
    combined = Scores()
    for record in records:
        text, gold_set = record["text"], gold_spans(record)
        sections, tables = find_sections(text), parse_tables(text)
        context = make_context(text, sections, tables)
        for name, labeler in LABELERS.items():
            pred = [(s.start, s.end, s.label) for s in labeler.func(text, context)]
            per_labeler[name].add_record([g for g in gold_set if g[2] == labeler.label], pred)
        weak = weak_annotate(text, sections=sections, tables=tables)
        combined.add_record(gold_set, [(s.start, s.end, s.label) for s in weak.entities + weak.statements])
    results = {"records": len(records), "split": split, "combined": combined.to_json(), "labelers": {}}
    typer.echo(f"{gold} ({split}): {len(records)} records")
    typer.echo(f"{'labeler':10} {'label':8} {'P':>6} {'R':>6} {'F':>6}   (statements: exact / overlap F)")
    for name, labeler in LABELERS.items():
        scores = per_labeler[name].to_json()
        layer = "entities" if labeler.label in ("AGENCY", "YEAR", "COUNT") else "statements_exact"
        prf = scores[layer]["per_label"][labeler.label]
        extra = ""
        if layer != "entities":
            extra = f"   overlap F {scores['statements_overlap']['per_label'][labeler.label]['f']:.3f}"
        typer.echo(f"{name:10} {labeler.label:8} {prf['p']:6.3f} {prf['r']:6.3f} {prf['f']:6.3f}{extra}")
        results["labelers"][name] = {"label": labeler.label, layer: prf,
                                     **({"overlap": scores["statements_overlap"]["per_label"][labeler.label]}
                                        if extra else {})}
    typer.echo("combined:")
    for layer in ("entities", "statements_exact", "statements_overlap"):
        for label, prf in results["combined"][layer]["per_label"].items():
            typer.echo(f"  {layer:18} {label:8} {prf['p']:6.3f} {prf['r']:6.3f} {prf['f']:6.3f}")
        micro = results["combined"][layer]["micro"]
        typer.echo(f"  {layer:18} {'micro':8} {micro['p']:6.3f} {micro['r']:6.3f} {micro['f']:6.3f}")
    if output:
        output.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


@app.command("learning-curve")
def learning_curve_command(
    gold: Path = typer.Option(Path("annotations/gold.jsonl")),
    out_dir: Path = typer.Option(Path("evaluate/learning_curve"), "-o", "--output"),
    seed: int = typer.Option(0),
    max_steps: int = typer.Option(None, help="Override training.max_steps for every point"),
) -> None:
    """Train on 10/25/50/75/100 % of the train split, score on dev, write JSON and a PNG plot."""
    from .training import learning_curve

    result = learning_curve(gold, out_dir, seed=seed, max_steps=max_steps)
    for point in result["points"]:
        typer.echo(f"{point['fraction']:5.0%} ({point['train_docs']} docs): "
                   + " ".join(f"{k} {v:.3f}" for k, v in point["f1"].items()))


@app.command()
def audit(
    output_jsonl: Path = typer.Argument(..., help="An extraction output (JSONL)"),
    html: Path = typer.Option(None, help="Write a page per report and one for the corpus here"),
    out: Path = typer.Option(None, "-o", "--output", help="Write check results as JSON lines here"),
    reuse_threshold: float = typer.Option(0.5, help="Share of narrative repeated from last year that fails"),
) -> None:
    """Consistency checks within and across reports, with evidence; review statuses are kept."""
    from .audit import audit_command, format_summary

    typer.echo(format_summary(audit_command(output_jsonl, html, out, reuse_threshold)))


@app.command("audit-review")
def audit_review(
    output_jsonl: Path = typer.Argument(..., help="The extraction output the audit ran on"),
    check_id: str = typer.Argument(..., help="The check_id of a result"),
    status: str = typer.Argument(..., help="confirmed | dismissed"),
    note: str = typer.Option("", help="Why"),
    out: Path = typer.Option(None, "-o", "--output", help="The audit results file, if -o was used"),
) -> None:
    """Set the review status of an audit failure; it survives re-running the audit."""
    from .audit import reviews_path, set_review

    path = reviews_path(output_jsonl, out)
    set_review(path, check_id, status, note)
    typer.echo(f"{check_id}: {status} -> {path}")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
