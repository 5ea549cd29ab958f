"""The JSON Schemas of licensecheck's own formats, generated from the pydantic models.

``schemas/`` holds the generated copies shipped to users; ``tests/test_schemas_sync.py``
fails when a model changes without regenerating them (``python -m licensecheck.authoring.schema_export``).
The declaration schema is hand-kept and only read here.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from ..resources import schemas_dir

GENERATED: dict[str, str] = {
    "report": "report.schema.json",
    "pack": "pack.schema.json",
    "pack-test": "pack-test.schema.json",
    "waivers": "waivers.schema.json",
    "config": "config.schema.json",
    "diff": "diff.schema.json",
    "batch-report": "batch-report.schema.json",
    "multi-pack-report": "multi-pack-report.schema.json",
    "gap-report": "gap-report.schema.json",
    "plan": "plan.schema.json",
    "pack-diff": "pack-diff.schema.json",
    "batch-lines": "batch-lines.schema.json",
}

#: Every schema ``licensecheck schema`` prints: the hand-kept declaration schema, then the generated ones.
SCHEMA_NAMES: tuple[str, ...] = ("declaration", *GENERATED)


def _model(name: str) -> type[BaseModel]:
    if name == "report":
        from ..engine.models import Assessment

        return Assessment
    if name == "pack-test":
        from .packtest import PackTestCase

        return PackTestCase
    if name == "waivers":
        from ..engine.waivers import WaiverFile

        return WaiverFile
    if name == "config":
        from ..config import Config

        return Config
    if name == "diff":
        from ..engine.baseline import DiffReport

        return DiffReport
    if name == "batch-lines":
        from ..engine.batch_report import BatchLine

        return BatchLine
    if name == "batch-report":
        from ..engine.batch_report import BatchReport

        return BatchReport
    if name == "multi-pack-report":
        from ..engine.batch_report import PackRuns

        return PackRuns
    if name == "gap-report":
        from ..reports.gap import GapReport

        return GapReport
    if name == "plan":
        from ..reports.plan import Plan

        return Plan
    if name == "pack-diff":
        from ..engine.pack_diff import PackDiff

        return PackDiff
    from ..packs.loader import PackManifest

    return PackManifest


def generated_schema(name: str) -> dict[str, Any]:
    from ..engine.models import schema_id

    schema = _model(name).model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_id(name),
        **schema,
    }


def schema_text(name: str) -> str:
    if name == "declaration":
        return (schemas_dir() / "declaration.schema.json").read_text(encoding="utf-8")
    return json.dumps(generated_schema(name), indent=2, ensure_ascii=False) + "\n"


def write_generated() -> None:
    for name, filename in GENERATED.items():
        (schemas_dir() / filename).write_text(schema_text(name), encoding="utf-8")


if __name__ == "__main__":
    write_generated()
