"""Hugging Face model cards: the YAML front matter of a model's README.md, read offline
through `huggingface_hub.ModelCard` (local files only; nothing is downloaded).

- the card -> a `model` asset `model:hf/<name>` (name: the model-index name, else the
  card's directory name); its first paragraph of text -> description; license,
  library, pipeline tag, languages and base_model_relation -> props.hf; tags -> tags;
- `base_model` (one or a list) -> `based_on` the `model:hf/<base>` asset (written, as a
  bare model, only when the graph does not have it), the relation (finetune, adapter,
  merge, quantized) in props;
- `datasets` -> `trained_on` `dataset:hf/<dataset>` assets (bare, as above);
- `eval_results` (model-index) -> one `evaluation` asset per dataset, config and split,
  `evaluates` the model, `evaluated_on` the dataset, props.metrics = {type: value}.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from huggingface_hub import ModelCard

from mlg.batch import Batch
from mlg.connectors.builder import SourceRecords
from mlg.connectors.targets import files_in
from mlg.errors import IngestError, Problem

if TYPE_CHECKING:
    from mlg.graph import Graph


def read(targets: list[str | os.PathLike[str]], graph: Graph | None = None, progress=None) -> Batch:
    """Each target is a README.md, or a directory holding one (searched recursively)."""
    files = files_in(targets, lambda p: p.name == "README.md", "README.md")
    source = ",".join(str(Path(t).resolve()) for t in targets)
    records = SourceRecords(f"model-card:{source}", str(files[0]))
    for file in files:
        records.file = str(file)
        _card(records, file)
    batch = records.finish(graph)
    batch.files = [str(f) for f in files]
    return batch


def _card(records: SourceRecords, file: Path) -> None:
    try:
        card = ModelCard.load(file)
    except (OSError, ValueError) as exc:  # ValueError: front matter that is not a mapping
        raise IngestError(
            [Problem(str(file), "front matter", None, None, f"cannot be read: {exc}")]
        ) from None
    data = card.data
    raw = data.to_dict()
    name = data.model_name or file.parent.name
    model = f"model:hf/{name}"
    relation = raw.get("base_model_relation")
    hf = {
        k: v
        for k, v in {
            "license": data.license,
            "library_name": data.library_name,
            "pipeline_tag": data.pipeline_tag,
            "language": data.language,
            "base_model_relation": relation,
        }.items()
        if v
    }
    records.asset(
        {
            "id": model,
            "kind": "model",
            "name": name,
            "namespace": "hf",
            "description": _first_paragraph(card.text),
            "tags": [t for t in data.tags or () if isinstance(t, str) and t],
            "props": {"hf": hf},
        },
        "front matter",
    )
    bases = data.base_model if isinstance(data.base_model, list) else [data.base_model]
    for base in (b for b in bases if isinstance(b, str) and b):
        target = records.reference(
            {"id": f"model:hf/{base}", "kind": "model", "name": base, "namespace": "hf"},
            "front matter.base_model",
        )
        records.relate(model, "based_on", target, "front matter.base_model")
    for i, dataset in enumerate(d for d in data.datasets or () if isinstance(d, str) and d):
        records.relate(
            model, "trained_on", _dataset(records, dataset, f"front matter.datasets[{i}]"), "datasets"
        )
    evaluations: dict[str, dict[str, Any]] = {}
    for i, result in enumerate(data.eval_results or ()):
        where = f"front matter.model-index.results[{i}]"
        split = "/".join(p for p in (result.dataset_config, result.dataset_split) if p)
        eval_id = f"evaluation:hf/{name}/{result.dataset_type}" + (f"/{split}" if split else "")
        found = evaluations.get(eval_id)
        if found is None:
            found = evaluations[eval_id] = {
                "id": eval_id,
                "kind": "evaluation",
                "name": f"{name} on {result.dataset_name or result.dataset_type}"
                + (f" ({split})" if split else ""),
                "namespace": "hf",
                "props": {
                    "metrics": {},
                    "hf": {"task_type": result.task_type, "dataset": result.dataset_type},
                },
            }
            records.relate(eval_id, "evaluates", model, where)
            records.relate(eval_id, "evaluated_on", _dataset(records, result.dataset_type, where), where)
            records.asset(found, where)
        found["props"]["metrics"][result.metric_type] = result.metric_value


def _dataset(records: SourceRecords, name: str, where: str) -> str:
    return records.reference(
        {"id": f"dataset:hf/{name}", "kind": "dataset", "name": name, "namespace": "hf"}, where
    )


def _first_paragraph(text: str) -> str | None:
    for block in text.strip().split("\n\n"):
        block = block.strip()
        if block and not block.startswith("#"):
            return " ".join(block.split())
    return None
