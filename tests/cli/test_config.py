"""Configuration from [tool.licensecheck] or licensecheck.toml: defaults that flags override."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

import licensecheck
from helpers.cli import run
from helpers.paths import REPO
from licensecheck.config import CEILING_ENV

DEMO = REPO / "examples" / "demo-credit-scoring.yaml"
CRAWLER = REPO / "examples" / "crawler-firm-2019.yaml"
AS_OF = "2026-01-15"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with declarations in compliance/ and the working directory in a subfolder."""
    root = tmp_path / "project"
    (root / "compliance").mkdir(parents=True)
    (root / "src" / "deep").mkdir(parents=True)
    shutil.copy(CRAWLER, root / "compliance" / "firm.yaml")
    monkeypatch.chdir(root / "src" / "deep")
    return root


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_pyproject_settings_are_defaults(project: Path) -> None:
    write(
        project / "pyproject.toml",
        """
        [project]
        name = "acme"

        [tool.licensecheck]
        pack = "cn-credit-reporting"
        fail-on = "none"
        format = "json"
        lang = "zh"
        """,
    )
    firm = str(project / "compliance" / "firm.yaml")
    code, out, _ = run("check", firm, "--as-of", AS_OF)
    assert code == 0  # fail-on none
    report = json.loads(out)
    assert report["pack"]["id"] == "cn-credit-reporting" and report["lang"] == "zh"
    # flags win
    code, out, _ = run(
        "check",
        firm,
        "--as-of",
        AS_OF,
        "--format",
        "text",
        "--pack",
        "starter",
        "--fail-on",
        "high",
    )
    assert code == 1 and out.startswith("licensecheck 0.1.0 · starter")
    # other commands take the settings they have options for; format is check's only
    code, out, _ = run("diff", firm, firm, "--as-of", AS_OF)
    assert code == 0 and "cn-credit-reporting" in out and out.startswith("licensecheck diff")
    assert run("--no-config", "check", firm, "--pack", "starter", "--as-of", AS_OF)[1].startswith(
        "licensecheck 0.1.0 · starter"
    )


def test_licensecheck_toml_wins_and_paths_are_relative_to_it(project: Path) -> None:
    write(project / "pyproject.toml", '[tool.licensecheck]\npack = "starter"\n')
    write(
        project / "compliance" / "waivers.yaml",
        """
        waivers:
          - {rule: CR-CON-001, reason: capital increase filed, approved_by: CFO}
        """,
    )
    write(
        project / "licensecheck.toml",
        """
        pack = "cn-credit-reporting"
        waivers = "compliance/waivers.yaml"
        fail_on = "critical"
        """,
    )
    firm = str(project / "compliance" / "firm.yaml")
    code, out, _ = run("check", firm, "--as-of", AS_OF, "--format", "json")
    report = json.loads(out)
    assert report["pack"]["id"] == "cn-credit-reporting"
    capital = next(f for f in report["findings"] if f["rule_id"] == "CR-CON-001")
    assert capital["status"] == "waived"
    assert report["waivers"][0]["file"] == str(project / "compliance" / "waivers.yaml")
    assert code == 1  # other critical gaps remain
    loaded = licensecheck.load_config(start=project / "src")
    assert loaded.path == project / "licensecheck.toml"
    assert loaded.option_defaults()["fail_on"] == "critical"


def test_a_pack_path_from_the_configuration(project: Path) -> None:
    pack = project / "packs" / "acme-rules"
    pack.mkdir(parents=True)
    write(
        pack / "pack.yaml",
        "id: acme-rules\nversion: 1.0.0\ntitle: Acme\ndomains:\n  d: {title: D}\n",
    )
    write(
        pack / "main.rules",
        """
        rule AC-1 { title: "Named" domain: d severity: high cite: "c" remediation: "r"
            require: company.name != "" }
        """,
    )
    write(project / "licensecheck.toml", 'pack = "acme-rules"\npack-path = ["packs"]\n')
    code, out, err = run("check", str(project / "compliance" / "firm.yaml"), "--as-of", AS_OF)
    assert code == 0, err
    assert out.startswith("licensecheck 0.1.0 · acme-rules 1.0.0")


def test_an_explicit_config_file(project: Path, tmp_path: Path) -> None:
    other = write(tmp_path / "elsewhere.toml", 'format = "github"\n')
    code, out, _ = run(
        "--config",
        str(other),
        "check",
        str(project / "compliance" / "firm.yaml"),
        "--pack",
        "starter",
        "--as-of",
        AS_OF,
    )
    assert code == 1 and out.startswith("::error file=")


@pytest.mark.parametrize(
    ("name", "text", "where", "message"),
    [
        (
            "licensecheck.toml",
            'pack = "starter"\nfial-on = "high"\n',
            ":2:1:",
            "unknown key 'fial-on' (did you mean 'fail-on'?)",
        ),
        (
            "pyproject.toml",
            '[project]\nname = "x"\n\n[tool.licensecheck]\nfail-on = "severe"\n',
            ":5:1:",
            "tool.licensecheck.fail-on: input should be 'critical', 'high', 'medium', 'low' or 'none'",
        ),
        (
            "licensecheck.toml",
            "jobs = 0\n",
            ":1:1:",
            'jobs: a number of processes (1 or more) or "auto", not 0',
        ),
        (
            "licensecheck.toml",
            'fail-on = "high"\njobs = "many"\n',
            ":2:1:",
            'jobs: a number of processes (1 or more) or "auto", not "many"',
        ),
        ("licensecheck.toml", 'pack = "starter\n', ":1:16:", "invalid TOML: illegal character"),
    ],
)
def test_bad_configuration_is_an_error_at_its_line(
    project: Path, name: str, text: str, where: str, message: str
) -> None:
    path = project / name
    path.write_text(text, encoding="utf-8")
    code, out, err = run("check", str(project / "compliance" / "firm.yaml"))
    assert code == 2 and out == ""
    assert f"{path}{where} error: " in err and message in err
    assert "Traceback" not in err


def test_a_pyproject_without_the_table_is_not_a_configuration(project: Path) -> None:
    write(project / "pyproject.toml", '[project]\nname = "x"\n')
    assert licensecheck.load_config().path is None


def test_plan_calendar_comes_from_the_config_and_the_flag_wins(project: Path) -> None:
    write(project / "licensecheck.toml", 'pack = "cn-credit-reporting"\ncalendar = "none"\n')
    firm = str(project / "compliance" / "firm.yaml")
    code, out, _ = run("plan", firm, "--as-of", AS_OF, "--format", "json")
    assert code == 1 and json.loads(out)["calendar"] == "none"
    code, out, _ = run("plan", firm, "--as-of", AS_OF, "--format", "json", "--calendar", "cn")
    assert json.loads(out)["calendar"] == "cn"


def test_the_search_stops_below_a_ceiling_folder(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project / "licensecheck.toml", 'fail-on = "none"\n')
    firm = str(project / "compliance" / "firm.yaml")
    monkeypatch.setenv(CEILING_ENV, str(project / "src"))
    code, _, err = run("check", firm, "--pack", "starter", "--as-of", AS_OF)
    assert code == 1, err  # gaps: the configuration above the ceiling was not read
    monkeypatch.setenv(CEILING_ENV, str(project.parent))
    code, _, err = run("check", firm, "--pack", "starter", "--as-of", AS_OF)
    assert code == 0, err  # fail-on none: read
