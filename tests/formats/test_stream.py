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
from licensecheck.formats.dispatch import render_runs
from licensecheck.formats.stream import Output, Piece, Render, piece, sink_for
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
    sink = sink_for(Output("jsonl"), 0, several=False, as_of=run_.options.as_of)
    sink.start(run_)
    (header,) = sink.ready()
    assert json.loads(header)["kind"] == "header"
    items: list[Piece] = []
    render = Render((Output("jsonl"),), PACK, run_.options.as_of)
    for item in run_.finished(functools.partial(piece, render=render)):
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


# ------------------------------------------------- every format streamed, byte for byte

FIXTURES = sorted((REPO / "tests" / "fixtures" / "declarations").iterdir())
#: each format of ``check`` and ``quiet`` (text with --quiet)
ALL_FORMATS = ("text", "quiet", "json", "jsonl", "sarif", "junit", "github", "oscal", "markdown")


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled examples and the test fixtures (broken in every way a file can be)."""
    folder = tmp_path_factory.mktemp("mixed")
    for source in [*EXAMPLES, *FIXTURES]:
        (folder / source.name).write_bytes(source.read_bytes())
    return folder


def whole_batches(folder: Path, packs: list[str], fmt: str, **options: object) -> str:
    """``fmt`` as the whole-batch renderers write it, every result kept first."""
    batches = [
        licensecheck.assess_many([folder], pack, as_of=AS_OF, **options)  # type: ignore[arg-type]
        for pack in packs
    ]
    quiet = fmt == "quiet"
    return render_runs(batches, "text" if quiet else fmt, quiet=quiet)


def streamed(
    folder: Path, packs: list[str], fmt: str, out: Path | None, *args: str | Path
) -> tuple[int, str]:
    """``fmt`` as ``check`` streams it: to ``out`` (atomically) or to stdout."""
    chosen = "text" if fmt == "quiet" else fmt
    argv: list[str | Path] = ["check", folder, "--as-of", AS_OF, *args]
    argv += ["-f", f"{chosen}={out}" if out else chosen, *(["--quiet"] if fmt == "quiet" else [])]
    for pack in packs:
        argv += ["--pack", pack]
    code, stdout, _ = run(*argv)
    return code, out.read_text(encoding="utf-8") if out else stdout


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_every_format_streams_byte_identical_to_the_whole_batch(
    mixed: Path, tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # SARIF and JUnit name files from the working directory
    want = whole_batches(mixed, [PACK], fmt)
    assert streamed(mixed, [PACK], fmt, None) == (2, want)  # fixtures that cannot be assessed
    assert streamed(mixed, [PACK], fmt, tmp_path / "out") == (2, want)


@pytest.mark.parametrize("fmt", [f for f in ALL_FORMATS if f != "oscal"])
def test_several_packs_stream_byte_identical(folder: Path, tmp_path: Path, fmt: str) -> None:
    packs = [PACK, "starter"]
    want = whole_batches(folder, packs, fmt)
    assert streamed(folder, packs, fmt, tmp_path / "out") == (2, want)


@pytest.mark.parametrize("fmt", ["text", "sarif", "junit", "github", "oscal", "markdown"])
def test_worker_processes_stream_the_same_bytes(folder: Path, tmp_path: Path, fmt: str) -> None:
    """Two jobs: each worker renders its files' parts, the parent numbers and writes them."""
    want = whole_batches(folder, [PACK], fmt)
    assert streamed(folder, [PACK], fmt, tmp_path / "out", "-j", "2") == (2, want)


@pytest.mark.parametrize("fmt", ["text", "sarif", "junit", "github", "jsonl"])
def test_a_baseline_streams_the_same_bytes(folder: Path, tmp_path: Path, fmt: str) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(kept_batch_json(folder), encoding="utf-8")
    want = whole_batches(folder, [PACK], fmt, baseline=baseline)
    assert streamed(folder, [PACK], fmt, tmp_path / "out", "--baseline", baseline)[1] == want


def test_oscal_of_several_packs_is_refused_before_assessing(folder: Path) -> None:
    code, _, stderr = run(
        "check", folder, "--pack", PACK, "--pack", "starter", "-f", "oscal", "--as-of", AS_OF
    )
    assert code == 2
    assert "one --pack at a time" in stderr
    assert "broken.yaml" not in stderr  # nothing was read


@pytest.mark.parametrize("fmt", ["text", "junit"])
def test_text_and_junit_go_out_file_by_file(folder: Path, fmt: str) -> None:
    """Nothing in these formats waits for the end: each file's part is ready on arrival."""
    run_ = licensecheck.start_batch([folder], PACK, as_of=AS_OF)
    output = Output(fmt, None)
    sink = sink_for(output, 0, several=False, as_of=run_.options.as_of)
    sink.start(run_)
    render = Render((output,), PACK, run_.options.as_of)
    written = "".join(sink.ready())
    for result in run_.finished(functools.partial(piece, render=render)):
        sink.add(result)
        now = "".join(sink.ready())
        if result.outcome != "error" or fmt == "junit":
            assert result.source in now  # its report or suite, before the next file is read
        written += now
    written += "".join(sink.chunks())
    assert written == whole_batches(folder, [PACK], fmt)


def test_pieces_carry_no_assessment_unless_recording(folder: Path) -> None:
    """A worker sends back rendered parts and counts; the assessment only for --record."""
    run_ = licensecheck.start_batch([folder], PACK, as_of=AS_OF)
    outputs = (Output("sarif"), Output("quiet"))
    for record in (False, True):
        render = Render(outputs, PACK, run_.options.as_of, record=record)
        results = list(run_.finished(functools.partial(piece, render=render)))
        kept = [r.recorded for r in results if r.recorded is not None]
        assessed = [r for r in results if r.outcome != "error"]
        assert len(kept) == (len(assessed) if record else 0)
        assert all(isinstance(part, str | tuple | type(None)) for r in results for part in r.parts)
