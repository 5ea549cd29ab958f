"""What is recorded is the declaration that was assessed: the text the assessment read, passed
through from the batch (and read once by report/plan --record), never the file read again
after the run, which may have been edited meanwhile. On SQLite and on the real PostgreSQL."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import licensecheck
from helpers.cli import run
from helpers.paths import REPO
from helpers.workspace import Target
from licensecheck.api import open_workspace, record_assessments
from licensecheck.workspace.store import LatestAssessment

EXAMPLE = REPO / "examples" / "demo-credit-scoring.yaml"
AS_OF = "2026-01-15"


def _where(target: Target) -> dict[str, str | Path]:
    if target.folder is not None:
        return {"workspace": target.folder}
    return {"database_url": target.url}


def _latest(target: Target) -> list[LatestAssessment]:
    with open_workspace(**_where(target)) as ws:  # type: ignore[arg-type]
        return ws.latest_assessments()


def test_a_file_edited_after_the_assessment_is_recorded_as_assessed(
    workspace: Target, tmp_path: Path
) -> None:
    declaration = tmp_path / "firm.yaml"
    shutil.copy(EXAMPLE, declaration)
    assessed = declaration.read_bytes()
    batch = licensecheck.api.assess_many([declaration], "starter", as_of=AS_OF)
    # the firm's file changes between the assessment and the record: another firm now
    declaration.write_text(
        assessed.decode("utf-8").replace("Lanting Data Technology", "Someone Else"),
        encoding="utf-8",
    )
    added = record_assessments(
        batch.assessments,
        "starter",
        texts=[item.text or "" for item in batch.items],
        **_where(workspace),  # type: ignore[arg-type]
    )
    assert added == 1
    [latest] = _latest(workspace)
    assert latest.declaration == assessed
    assert latest.firm_name.startswith("Lanting Data Technology")
    assert latest.score == batch.assessments[0].summary.score


def test_check_record_stores_the_text_it_assessed(workspace: Target, tmp_path: Path) -> None:
    declaration = tmp_path / "firm.yaml"
    # a UTF-8 byte-order mark is not part of the text: what is stored is what was assessed
    declaration.write_bytes(codecs.BOM_UTF8 + EXAMPLE.read_bytes())
    code, _, err = run(
        "check", declaration, "--pack", "starter", "--as-of", AS_OF, "--record", *workspace.args
    )
    assert code == 1 and "recorded 1 assessment" in err, err
    [latest] = _latest(workspace)
    assert latest.declaration == EXAMPLE.read_bytes()
    code, out, err = run("workspace", "verify", *workspace.args)
    assert code == 0, out + err


def test_report_and_plan_record_the_declaration_they_read(
    workspace: Target, tmp_path: Path
) -> None:
    declaration = tmp_path / "firm.yaml"
    shutil.copy(EXAMPLE, declaration)
    for command, day in (("report", "2026-02-01"), ("plan", "2026-03-01")):
        args = ("--pack", "starter", "--as-of", day, "--record", "-o", tmp_path / f"{command}.out")
        code, _, err = run(command, declaration, *args, *workspace.args)
        assert code == 1 and "recorded 1 assessment" in err, err
    [latest] = _latest(workspace)
    assert str(latest.as_of) == "2026-03-01"
    assert latest.declaration == EXAMPLE.read_bytes()


def test_a_streamed_batch_records_under_every_pack(workspace: Target, tmp_path: Path) -> None:
    """``check FOLDER --record`` with two packs, two jobs and a SARIF file: each assessment
    is stored as it arrives (the workers send it back with its text), once per pack."""
    folder = tmp_path / "firms"
    folder.mkdir()
    examples = sorted((REPO / "examples").glob("*.yaml"))[:3]
    for example in examples:
        shutil.copy(example, folder / example.name)
    (folder / "broken.yaml").write_text("company: [\n", encoding="utf-8")
    packs = ("--pack", "starter", "--pack", "cn-credit-reporting")
    sarif = tmp_path / "out.sarif"
    code, _, err = run(
        "check", folder, *packs, "--as-of", AS_OF, "-j", "2", "-f", f"sarif={sarif}",
        "--record", *workspace.args,
    )  # fmt: skip
    assert code == 2  # the broken file
    assert err.count(f"recorded {len(examples)} assessments") == 2, err
    latest = _latest(workspace)
    assert sorted(a.pack_id for a in latest) == sorted(["starter", "cn-credit-reporting"] * 3)
    assert {a.declaration for a in latest} == {e.read_bytes() for e in examples}
    assert sarif.read_text(encoding="utf-8").count('"automationDetails"') == 2
