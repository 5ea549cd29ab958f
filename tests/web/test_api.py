"""The HTTP API: the CLI's JSON byte for byte, and the CLI's errors with their positions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.cli import run
from helpers.paths import REPO
from helpers.web import AS_OF, PACK, Web

EXAMPLES = REPO / "examples"


@pytest.mark.parametrize(
    ("example", "pack", "lang"),
    [
        ("state-backed-data-co.yaml", PACK, "en"),
        ("state-backed-data-co.yaml", PACK, "zh"),
        ("eu-data-broker.yaml", "eu-gdpr-data-broker", "en"),
    ],
)
def test_assess_answers_what_check_format_json_prints(
    web: Web, example: str, pack: str, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(EXAMPLES)
    code, cli, err = run(
        "check", example, "--pack", pack, "--as-of", AS_OF, "--lang", lang, "--format", "json"
    )
    assert code in (0, 1), err
    done = web.client.post(
        f"/api/v1/assess?pack={pack}&as_of={AS_OF}&lang={lang}&filename={example}",
        content=(EXAMPLES / example).read_bytes(),
        headers={"Content-Type": "application/yaml"},
    )
    assert done.status_code == 200
    assert done.headers["content-type"] == "application/json"
    assert done.text == cli


def test_a_posted_declaration_never_reads_evidence_files_of_the_server(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The demo's evidence files are right there in the folder the server runs in, and the
    command line finds them; a posted text has no folder here, so the server looks at no file
    (a stranger could otherwise learn which files exist beside it): each is missing."""
    monkeypatch.chdir(EXAMPLES)
    example = "demo-credit-scoring.yaml"
    _, cli, _ = run("check", example, "--pack", PACK, "--as-of", AS_OF, "--format", "json")
    assert any(f["assurance"] == "evidenced" for f in json.loads(cli)["findings"])
    done = web.client.post(
        f"/api/v1/assess?pack={PACK}&as_of={AS_OF}&filename={example}",
        content=(EXAMPLES / example).read_bytes(),
    )
    assert done.status_code == 200
    findings = done.json()["findings"]
    assert findings and all(f["assurance"] != "evidenced" for f in findings)
    assert [entry["state"] for entry in done.json()["evidence"]] == ["missing", "missing"]


def test_assess_reads_json_when_the_name_says_so(web: Web, tmp_path: Path) -> None:
    data = {"schema_version": 1, "company": {"name": "JSON Co"}}
    done = web.client.post(
        f"/api/v1/assess?pack=starter&as_of={AS_OF}&filename=firm.json", content=json.dumps(data)
    )
    assert done.status_code == 200 and done.json()["declaration"] == "firm.json"


def test_plan_answers_what_plan_format_json_prints(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    example = "demo-credit-scoring.yaml"
    monkeypatch.chdir(EXAMPLES)
    code, cli, err = run("plan", example, "--pack", PACK, "--as-of", AS_OF, "--format", "json")
    assert code in (0, 1), err
    done = web.client.post(
        f"/api/v1/plan?pack={PACK}&as_of={AS_OF}&filename={example}",
        content=(EXAMPLES / example).read_bytes(),
    )
    assert done.status_code == 200 and done.text == cli
    rule = json.loads(cli)["tasks"][0]["rule_id"]
    fixed = web.client.post(
        f"/api/v1/plan?pack={PACK}&as_of={AS_OF}&filename={example}&assume_fixed={rule}",
        content=(EXAMPLES / example).read_bytes(),
    )
    assert rule not in {t["rule_id"] for t in fixed.json()["tasks"]}


def test_errors_carry_the_clis_codes_and_positions(
    web: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    bad = Path("bad.yaml")
    bad.write_text("schema_version: 1\ncompany:\n  name: X\n  headcount: many\n", encoding="utf-8")
    code, _, err = run("check", bad, "--pack", PACK, "--as-of", AS_OF)
    assert code == 2
    done = web.client.post(
        f"/api/v1/assess?pack={PACK}&as_of={AS_OF}&filename={bad}", content=bad.read_bytes()
    )
    assert done.status_code == 422
    errors = done.json()["errors"]
    shown = [f"{e['file']}:{e['line']}:{e['column']}: {e['level']}: {e['message']}" for e in errors]
    assert shown == [line for line in err.splitlines() if ": error: " in line]
    assert {e["code"] for e in errors} == {"schema"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("pack=../../etc", "is not a pack id"),
        ("pack=no-such-pack", "no-such-pack"),
        (f"pack={PACK}&as_of=2026-13-01", "2026-13-01"),
        (f"pack={PACK}&lang=fr", "unknown language"),
    ],
)
def test_bad_parameters_are_json_errors(web: Web, query: str, message: str) -> None:
    done = web.client.post(f"/api/v1/assess?{query}", content=b"schema_version: 1\n")
    assert done.status_code == 422
    assert message in json.dumps(done.json()["errors"])


def test_a_body_that_is_not_utf8_is_refused(web: Web) -> None:
    done = web.client.post(f"/api/v1/assess?pack={PACK}", content=b"\xff\xfe\xfa")
    assert done.status_code == 422 and done.json()["errors"][0]["code"] == "io"


def test_packs_lists_the_bundled_packs(web: Web) -> None:
    packs = {p["id"]: p for p in web.client.get("/api/v1/packs").json()}
    assert PACK in packs and packs[PACK]["rules"] > 0


def test_history_is_the_history_commands_json(web: Web) -> None:
    draft = web.start(firm="History Co")
    done = web.client.post(f"{draft}/record", data={"csrf": web.csrf}, follow_redirects=False)
    key = done.headers["location"].split("/")[2]
    history = web.client.get(f"/api/v1/firms/{key}/history")
    assert history.status_code == 200
    code, out, err = run("history", "History Co", "--workspace", web.folder, "--format", "json")
    assert code == 0, err
    assert history.text == out
    missing = web.client.get("/api/v1/firms/nobody/history")
    assert missing.status_code == 422 and missing.json()["errors"][0]["code"] == "workspace"


def test_a_chunked_body_over_the_limit_is_refused_while_read(web: Web) -> None:
    chunks = (b"# " + b"x" * 65_534 for _ in range(11 * 16 + 1))  # 11 MB, no Content-Length
    done = web.client.post(f"/api/v1/assess?pack={PACK}&filename=big.yaml", content=chunks)
    assert done.status_code == 422
    error = done.json()["errors"][0]
    assert error["code"] == "io" and error["file"] == "big.yaml"
    assert "larger than" in error["message"]
