"""Streamed batch outputs: JSON byte-identical to the kept batch, JSON lines per declaration."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jsonschema
import pytest

import licensecheck
from helpers.cli import run
from helpers.paths import REPO
from licensecheck.formats.stream import Piece, piece, sink_for
from licensecheck.output import write_output

AS_OF = "2026-01-15"
PACK = "cn-credit-reporting"
SCHEMA = json.loads((REPO / "schemas" / "batch-lines.schema.json").read_text(encoding="utf-8"))
EXAMPLES = sorted((REPO / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled examples, and a broken file among them (listed, not stopping the batch)."""
    folder = tmp_path_factory.mktemp("firms")
    for example in EXAMPLES:
        (folder / example.name).write_bytes(example.read_bytes())
    (folder / "broken.yaml").write_text("company: [\n", encoding="utf-8")
    return folder


def kept_batch_json(folder: Path) -> str:
    batch = licensecheck.assess_many([folder], PACK, as_of=AS_OF)
    return licensecheck.render(batch, "json")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_streamed_json_is_byte_identical_to_the_kept_batch(
    folder: Path, tmp_path: Path, jobs: str
) -> None:
    out = tmp_path / "batch.json"
    code, stdout, stderr = run(
        "check", folder, "--pack", PACK, "--as-of", AS_OF, "-j", jobs, "-f", f"json={out}"
    )
    assert code == 2  # the broken file
    assert "broken.yaml:2" in stderr
    assert stdout == ""
    assert out.read_text(encoding="utf-8") == kept_batch_json(folder)


def test_streamed_json_on_stdout_is_the_same(folder: Path) -> None:
    code, stdout, _ = run("check", folder, "--pack", PACK, "--as-of", AS_OF, "-f", "json")
    assert code == 2
    assert stdout == kept_batch_json(folder)


def test_jsonl_lines_follow_their_schema_and_the_assessments(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "batch.jsonl"
    code, _, _ = run("check", folder, "--pack", PACK, "--as-of", AS_OF, "-f", f"jsonl={out}")
    assert code == 2
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        jsonschema.validate(line, SCHEMA)
    header, *middle, summary = lines
    assert header["kind"] == "header" and summary["kind"] == "summary"
    batch = licensecheck.assess_many([folder], PACK, as_of=AS_OF)
    assert [line["declaration"] for line in middle] == [item.source for item in batch.items]
    assert sorted(r["id"] for r in header["rules"]) == sorted(
        f.rule_id for f in batch.assessments[0].findings
    )
    for line, item in zip(middle, batch.items, strict=True):
        if item.assessment is None:
            assert line["outcome"] == "error" and line["errors"]
            continue
        findings = item.assessment.findings
        assert line["statuses"] == {f.rule_id: f.status for f in findings}
        assert line["score"] == item.assessment.summary.score
        gaps = [f for f in findings if f.status in ("fail", "unknown", "error")]
        assert [g["rule_id"] for g in line["gaps"]] == [f.rule_id for f in gaps]
        assert [len(g["witnesses"]) for g in line["gaps"]] == [len(f.witnesses) for f in gaps]
    report = json.loads(kept_batch_json(folder))
    assert summary["summary"] == report["summary"]


def test_jsonl_sends_each_line_as_its_declaration_is_assessed(folder: Path) -> None:
    run_ = licensecheck.start_batch([folder], PACK, as_of=AS_OF)
    sink = sink_for(run_, "jsonl")
    (header,) = sink.ready()
    assert json.loads(header)["kind"] == "header"
    items: list[Piece] = []
    for item in run_.finished(functools.partial(piece, formats=("jsonl",))):
        sink.add(item)
        (line,) = sink.ready()  # out before the next file is read
        assert json.loads(line)["declaration"] == item.source
        items.append(item)
    (last,) = sink.chunks()
    assert json.loads(last)["summary"]["files"] == len(items) == len(EXAMPLES) + 1


def test_jsonl_of_one_assessment_without_its_pack_names_its_rules() -> None:
    assessment = licensecheck.assess(EXAMPLES[0], "starter", as_of=AS_OF)
    header, line, _ = licensecheck.render(assessment, "jsonl").splitlines()
    assert [r["id"] for r in json.loads(header)["rules"]] == [
        f.rule_id for f in assessment.findings
    ]
    assert json.loads(line)["score"] == assessment.summary.score


def test_write_output_takes_chunks(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    write_output(out, iter(["a", "b\n", "c"]))
    assert out.read_text(encoding="utf-8") == "ab\nc"
