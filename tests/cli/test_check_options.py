"""``check``'s everyday options (issue #18): several outputs from one assessment, several packs,
rule selection, --quiet, NO_COLOR and standard input."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import click
import jsonschema
import pytest
from click.testing import CliRunner

from helpers.cli import run, run_process
from helpers.external_schemas import assert_valid, assert_valid_junit, sarif_validator
from helpers.paths import REPO
from licensecheck.cli import main
from licensecheck.cli import render as cli_render
from licensecheck.engine import batch as batch_module
from licensecheck.sources import text as text_module

AS_OF = "2026-01-15"
DEMO = "examples/demo-credit-scoring.yaml"
CRAWLER = "examples/crawler-firm-2019.yaml"
PACKS = ("--pack", "starter", "--pack", "cn-credit-reporting")


def check(*args: str | Path) -> tuple[int, str, str]:
    return run("check", *_starter_unless_a_pack_is_given(args), *args, "--as-of", AS_OF)


def _starter_unless_a_pack_is_given(args: tuple[str | Path, ...]) -> tuple[str, ...]:
    return () if {"--pack", "-p"} & set(map(str, args)) else ("--pack", "starter")


# ---------------------------------------------------------------------------- --format


def test_one_run_writes_every_format_as_separate_runs_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    assessed: list[str] = []
    real = batch_module.assess_file

    def counting(source: str, *args: Any) -> Any:
        assessed.append(source)
        return real(source, *args)

    monkeypatch.setattr(batch_module, "assess_file", counting)
    sarif, report, junit = tmp_path / "out.sarif", tmp_path / "r.json", tmp_path / "j.xml"
    code, out, _ = check(
        DEMO, "--format", f"sarif={sarif}", "-f", "github", "-f", f"json={report}",
        "-f", f"junit={junit}",
    )  # fmt: skip
    assert code == 1
    assert assessed == [DEMO]  # assessed once for four outputs
    assert out == check(DEMO, "--format", "github")[1]
    assert sarif.read_text(encoding="utf-8") == check(DEMO, "-f", "sarif")[1]
    assert report.read_text(encoding="utf-8") == check(DEMO, "-f", "json")[1]
    assert junit.read_text(encoding="utf-8") == check(DEMO, "-f", "junit")[1]
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically: no temporary file left


def test_output_takes_the_format_without_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    sarif, text = tmp_path / "a.sarif", tmp_path / "report.txt"
    code, out, _ = check(DEMO, "-f", f"sarif={sarif}", "-f", "text", "-o", text)
    assert (code, out) == (1, "")
    assert text.read_text(encoding="utf-8").startswith("licensecheck ")
    assert json.loads(sarif.read_text(encoding="utf-8"))["version"] == "2.1.0"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-f", "json", "-f", "text"), "only one --format can go to stdout (here: json, text)"),
        (("-f", "json=x.json", "-f", "sarif=x.json"), "x.json is the destination of both"),
        (("-f", "json=a.json", "-o", "b.txt"), "--output needs a --format without '=FILE'"),
        (("-f", "sarf"), "'sarf' is not a format (did you mean 'sarif'?)"),
        (("-f", "json="), "names no file after '='"),
    ],
)
def test_format_mistakes_are_usage_errors(
    args: tuple[str, ...], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = check(REPO / DEMO, *args)
    assert code == 2
    assert message in err
    assert out == "" and not list(tmp_path.iterdir())  # nothing written


def test_configured_format_is_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "licensecheck.toml").write_text('format = "json"\npack = "cn-credit-reporting"\n')
    monkeypatch.chdir(tmp_path)
    report = json.loads(run("check", REPO / DEMO, "--as-of", AS_OF)[1])
    assert report["pack"]["id"] == "cn-credit-reporting"  # the configured pack, as the default
    assert json.loads(check(REPO / DEMO, "-p", "starter")[1])["pack"]["id"] == "starter"
    assert run("check", REPO / DEMO, "--as-of", AS_OF, "-f", "github")[1].startswith("::error ")


# ---------------------------------------------------------------------------- several packs


def test_several_packs_in_one_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = check(DEMO, CRAWLER, *PACKS, "-f", "json")
    separate = [check(DEMO, CRAWLER, "--pack", p)[0] for p in ("starter", "cn-credit-reporting")]
    assert code == max(separate)
    document = json.loads(out)
    schema = json.loads((REPO / "schemas" / "multi-pack-report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["$schema"] == schema["$id"] == "urn:licensecheck:schema:multi-pack-report:1"
    assert [r["pack"]["id"] for r in document["runs"]] == ["starter", "cn-credit-reporting"]
    assert [len(r["results"]) for r in document["runs"]] == [2, 2]

    text = check(DEMO, *PACKS)[1]
    assert text.index("=== starter ") < text.index("=== cn-credit-reporting ")


def test_several_packs_in_sarif_and_junit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    log = json.loads(check(DEMO, CRAWLER, *PACKS, "-f", "sarif")[1])
    assert_valid(sarif_validator(), log)
    assert [r["automationDetails"]["id"] for r in log["runs"]] == [
        "licensecheck/starter/",
        "licensecheck/cn-credit-reporting/",
    ]
    xml = check(DEMO, CRAWLER, *PACKS, "-f", "junit")[1]
    assert_valid_junit(xml)
    names = [s.get("name") for s in ET.fromstring(xml).findall("testsuite")]
    assert names == [
        f"{DEMO} [starter]",
        f"{CRAWLER} [starter]",
        f"{DEMO} [cn-credit-reporting]",
        f"{CRAWLER} [cn-credit-reporting]",
    ]


def test_several_packs_in_github_annotations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    lines = check(DEMO, *PACKS, "-f", "github")[1].splitlines()
    summaries = [line for line in lines if not line.startswith("::")]
    assert [s.split(":")[0] for s in summaries] == [
        f"{DEMO} [starter]",
        f"{DEMO} [cn-credit-reporting]",
    ]
    titles = [line.split("title=", 1)[1] for line in lines if line.startswith("::")]
    assert any(t.startswith("ST-") for t in titles) and any(t.startswith("CR-") for t in titles)


def test_oscal_takes_one_pack(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, _, err = check(DEMO, *PACKS, "-f", "oscal")
    assert code == 2 and "one --pack at a time" in err


# ---------------------------------------------------------------------------- rule selection


def _rule_ids(out: str) -> list[str]:
    return [f["rule_id"] for f in json.loads(out)["findings"]]


def test_rule_and_domain_selection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    every = _rule_ids(check(DEMO, "-f", "json")[1])
    assert _rule_ids(check(DEMO, "-f", "json", "--rule", "ST-LIC-*")[1]) == [
        r for r in every if r.startswith("ST-LIC-")
    ]
    chosen = _rule_ids(
        check(DEMO, "-f", "json", "--rule", "ST-LIC-*", "--rule", "ST-SEC-001",
              "--skip-rule", "ST-LIC-003")[1]
    )  # fmt: skip
    assert chosen == [r for r in every if r.startswith("ST-LIC-") and r != "ST-LIC-003"] + [
        "ST-SEC-001"
    ]
    report = json.loads(check(DEMO, "-f", "json", "--domain", "consent")[1])
    assert {f["domain"] for f in report["findings"]} == {"consent"}
    # only the selected rules count: the licensing gaps are critical, the consent ones high
    assert check(DEMO, "--domain", "consent", "--fail-on", "critical")[0] == 0
    sarif = json.loads(check(DEMO, "-f", "sarif", "--domain", "consent")[1])
    assert {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]} == {
        f["rule_id"] for f in report["findings"]
    }


def test_selection_survives_worker_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    serial = check(DEMO, CRAWLER, "-f", "json", "--rule", "ST-COL-*")[1]
    parallel = check(DEMO, CRAWLER, "-f", "json", "--rule", "ST-COL-*", "--jobs", "2")[1]
    assert serial == parallel
    for result in json.loads(parallel)["results"]:
        assert {f["rule_id"][:6] for f in result["report"]["findings"]} == {"ST-COL"}


def test_unknown_rules_and_domains_are_usage_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, err = check(
        DEMO, "--rule", "ST-LIX-001", "--skip-rule", "XX-*", "--domain", "consnt"
    )
    assert (code, out) == (2, "")
    assert "--rule 'ST-LIX-001' matches no rule of the pack (did you mean 'ST-LIC-001'?)" in err
    assert "--skip-rule 'XX-*' matches no rule" in err
    assert "--domain 'consnt' is not a domain of the pack (did you mean 'consent'?" in err
    assert "3 errors" in err
    code, _, err = check(DEMO, "--domain", "consent", "--skip-rule", "ST-CON-*")
    assert code == 2 and "no rule of pack 'starter' is left to check" in err


# ---------------------------------------------------------------------------- quiet, colour


def test_quiet_prints_the_summary_line_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = check(DEMO, "--quiet")
    assert code == 1
    assert out == f"{DEMO}: NOT READY  score 26/100  ·  5 pass · 7 fail\n"
    out = check(DEMO, CRAWLER, "-q")[1]
    assert out == "2 files  ·  0 ready  ·  2 not ready  ·  0 with errors\n"
    lines = check(DEMO, *PACKS, "-q")[1].splitlines()
    assert [line.split(":")[0] for line in lines] == ["starter", "cn-credit-reporting"]


def test_no_color_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_render.sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert cli_render.colour_style(None, None) is click.style
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli_render.colour_style(None, None) is not click.style
    assert cli_render.colour_style(True, None) is click.style  # --color still wins
    monkeypatch.setenv("NO_COLOR", "")  # empty means unset (no-color.org)
    assert cli_render.colour_style(None, None) is click.style


# ---------------------------------------------------------------------------- stdin


def _stdin(text: str, *args: str) -> Any:
    """``check -`` in a fresh process's state: standard input not read yet."""
    text_module._STDIN_BYTES.clear()
    return CliRunner().invoke(
        main, ["check", "--pack", "starter", "-", "--as-of", AS_OF, *args], input=text
    )


def test_declaration_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    text = (REPO / DEMO).read_text(encoding="utf-8")
    result = _stdin(text, "-q")
    assert result.exit_code == 1
    assert result.stdout == "<stdin>: NOT READY  score 26/100  ·  5 pass · 7 fail\n"


def test_stdin_read_once_for_several_packs_and_errors_name_it() -> None:
    text = (REPO / DEMO).read_text(encoding="utf-8")
    result = _stdin(text, *PACKS, "-q")
    assert result.exit_code == 1 and result.stdout.count("<stdin>: NOT READY") == 2
    result = _stdin(text, "-f", "junit")
    assert '<testsuite name="&lt;stdin&gt;"' in result.stdout
    result = _stdin("company: {name: 1\n")
    assert result.exit_code == 2
    assert result.stderr.startswith("<stdin>:2:1: error: invalid YAML")
    result = _stdin('{"company": }')
    assert result.exit_code == 2 and result.stderr.startswith("<stdin>:1:")


@pytest.mark.parametrize("command", ["report", "plan"])
def test_f_is_short_for_format_everywhere(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    out = run(command, "--pack", "starter", DEMO, "--as-of", AS_OF, "-f", "json")[1]
    assert json.loads(out)["$schema"].startswith("urn:licensecheck:schema:")


def test_record_takes_whole_assessments_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workspace follows gaps from run to run: a run of some rules would close the rest."""
    monkeypatch.chdir(REPO)
    code, out, err = check(DEMO, "--record", "--workspace", tmp_path / "ws", "--domain", "consent")
    assert (code, out) == (2, "")
    assert "stores whole assessments: it does not go with --rule" in err
    assert not (tmp_path / "ws").exists()


def test_color_colours_output_that_is_not_a_terminal() -> None:
    """``--color`` keeps the styles in a pipe (click strips them there by default), for one
    file and for a batch; without it, or with ``--no-color``, a pipe gets plain text."""
    for files in ([DEMO], [DEMO, CRAWLER]):
        command = ["check", *files, "--pack", "starter"]
        assert "\x1b[" in run_process(*command, "--color", cwd=REPO).stdout
        assert "\x1b[" not in run_process(*command, cwd=REPO).stdout
        assert "\x1b[" not in run_process(*command, "--no-color", cwd=REPO).stdout
