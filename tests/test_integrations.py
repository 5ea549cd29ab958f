"""The pre-commit hooks and the GitHub Action: valid against their schemas, and they run.

``test_pre_commit_try_repo`` runs the real ``pre-commit`` (PyPI) on a sample repository: it
builds the hook's environment by installing licensecheck from a snapshot of this working tree
(committed to a throw-away git repository, so uncommitted changes are tested too and a clean
clone in CI works the same), which needs the package index.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers.external_schemas import assert_valid, json_validator, sarif_validator
from helpers.paths import REPO
from licensecheck.config import Config

QUIET_FIRM = "schema_version: 1\ncompany: {name: Quiet Co}\nbusiness_lines: []\ndata_sources: []\nrecipients: []\n"
DEMO = REPO / "examples" / "demo-credit-scoring.yaml"


def test_pre_commit_hooks_file_is_valid() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert_valid(json_validator("pre-commit-hooks.json"), hooks)
    assert {h["id"] for h in hooks} == {"licensecheck", "licensecheck-waivers"}
    for hook in hooks:
        assert hook["language"] == "python"
        assert hook["entry"].split()[0] == "licensecheck"


@pytest.mark.parametrize(
    ("path", "matches"),
    [
        ("declarations/acme.yaml", True),
        ("compliance/declarations/acme.json", True),
        ("acme.declaration.yml", True),
        ("declaration.yaml", True),
        (".pre-commit-config.yaml", False),
        ("config/settings.yaml", False),
        ("declarations/README.md", False),
        ("declarations/waivers.yaml", False),
    ],
)
def test_the_hook_picks_declarations_only(path: str, matches: bool) -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "licensecheck")
    picked = re.search(hook["files"], path) and not re.search(hook["exclude"], path)
    assert bool(picked) is matches


def test_action_yml_is_valid_and_its_script_runs(tmp_path: Path) -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert_valid(json_validator("github-action.json"), action)
    assert action["runs"]["using"] == "composite"
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "check")

    def run_step(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-c", step["run"]],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    assert "${{" not in step["run"], "inputs reach the script only through env"
    assert action["outputs"]["sarif-file"]["value"] == "${{ steps.check.outputs.sarif-file }}"
    assert step["run"].count('licensecheck" check') == 1, "one assessment for every output"

    outputs = tmp_path / "github_output"
    job_summary = tmp_path / "step_summary.md"
    job_summary.write_text("# an earlier step's summary\n")
    sarif = tmp_path / "out" / "licensecheck.sarif"
    sarif.parent.mkdir()
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_STEP_SUMMARY": str(job_summary),
        "RUNNER_TEMP": str(tmp_path),
        "LC_DECLARATIONS": "examples/demo-credit-*.yaml\n  examples/**/crawler-firm-2019.yaml",
        "LC_PACK": "cn-credit-reporting",
        "LC_FAIL_ON": "critical",
        "LC_WAIVERS": "",
        "LC_BASELINE": "",
        "LC_AS_OF": "2026-01-15",
        "LC_ARGS": "--lang en",
        "LC_SARIF_FILE": str(sarif),
        "LC_ANNOTATIONS": "true",
        "LC_SUMMARY": "true",
    }
    done = run_step(env)
    assert done.returncode == 1, done.stderr
    assert outputs.read_text() == f"sarif-file={sarif}\nexit-code=1\n"
    log = json.loads(sarif.read_text(encoding="utf-8"))
    assert_valid(sarif_validator(), log)
    assert [a["location"]["uri"] for a in log["runs"][0]["artifacts"]] == [
        "examples/demo-credit-scoring.yaml",
        "examples/crawler-firm-2019.yaml",
    ]
    assert done.stdout.startswith("::error file=examples/")
    summary = job_summary.read_text(encoding="utf-8")
    assert summary.startswith("# an earlier step's summary\n## licensecheck: gaps at or above")
    assert "| `examples/crawler-firm-2019.yaml` | cn-credit-reporting | NOT READY |" in summary

    env.update(LC_FAIL_ON="none", LC_ANNOTATIONS="false", LC_SUMMARY="false")
    done = run_step(env)
    assert done.returncode == 0 and "::" not in done.stdout
    assert done.stdout == "2 files  ·  0 ready  ·  2 not ready  ·  0 with errors\n"
    assert job_summary.read_text(encoding="utf-8") == summary
    # no pack input and no configured pack: the step fails and says which packs fit
    env.update(LC_DECLARATIONS="examples/us-data-broker.yaml", LC_PACK="")
    done = run_step(env)
    assert done.returncode == 2 and "no pack given" in done.stderr
    assert "1. us-data-broker" in done.stderr
    env.update(LC_DECLARATIONS="examples/missing.yaml", LC_PACK="cn-credit-reporting")
    done = run_step(env)
    assert done.returncode == 2 and "missing.yaml does not exist" in done.stderr


def test_action_pins_actions_and_leaves_the_jobs_python_alone() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    steps = action["runs"]["steps"]
    used = [s["uses"] for s in steps if "uses" in s]
    assert used and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in used)
    setup = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["update-environment"] is False  # the job's PATH keeps its Python
    assert any(s["uses"].startswith("actions/cache@") for s in steps if "uses" in s)
    install = next(s for s in steps if s.get("name", "").startswith("Install"))
    assert "-m venv" in install["run"] and '$venv/bin/python" -m pip install' in install["run"]


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        timeout=60,
    )


def _snapshot(target: Path) -> None:
    """This working tree as pip would install it, committed to a fresh git repository."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.split("\0")
    for name in filter(None, listed):
        if name.split("/", 1)[0] in ("tests", "bench", "docs") or not (REPO / name).is_file():
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target / name)
    _git("init", "-q", cwd=target)
    _git("add", "-A", cwd=target)
    _git("commit", "-q", "-m", "snapshot", cwd=target)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_pre_commit_try_repo(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit", reason="pre-commit is in the test extras")
    if not (REPO / ".git").exists():
        pytest.skip("needs a git checkout of licensecheck")
    hook_repo = tmp_path / "licensecheck"
    hook_repo.mkdir()
    _snapshot(hook_repo)

    sample = tmp_path / "sample"
    (sample / "declarations").mkdir(parents=True)
    (sample / "declarations" / "good.yaml").write_text(QUIET_FIRM, encoding="utf-8")
    (sample / "declarations" / "bad.yaml").write_text(
        DEMO.read_text(encoding="utf-8"), encoding="utf-8"
    )
    (sample / "settings.yaml").write_text("not: [a declaration\n", encoding="utf-8")
    # the hook needs a pack: here the configuration's (or args: [--pack, ID])
    (sample / "licensecheck.toml").write_text(
        'pack = "starter"\nfail-on = "high"\n', encoding="utf-8"
    )
    _git("init", "-q", cwd=sample)
    _git("add", "-A", cwd=sample)

    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    env.pop("PRE_COMMIT", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(hook_repo),
            "licensecheck",
            "--all-files",
            "--color",
            "never",
        ],
        cwd=sample,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "licensecheck" in output and "Failed" in output
    assert "ST-LIC-002" in output  # the bad declaration's critical gap
    assert re.search(r"^  READY +\d+/100  declarations/good\.yaml", output, re.MULTILINE)
    assert re.search(r"^  NOT READY +\d+/100  declarations/bad\.yaml", output, re.MULTILINE)
    assert "2 files  ·  1 ready  ·  1 not ready  ·  0 with errors" in output
    assert "settings.yaml" not in output.replace("licensecheck.toml", "")


def test_the_readme_ci_snippets_are_valid_yaml_and_toml() -> None:
    import tomllib

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.S)
    assert len(blocks) >= 4
    documents = [yaml.safe_load(b) for b in blocks]
    workflow = next(d for d in documents if isinstance(d, dict) and "jobs" in d)
    steps = workflow["jobs"]["licensecheck"]["steps"]
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    used = next(s for s in steps if s.get("id") == "licensecheck")
    assert set(used["with"]) <= set(action["inputs"])
    hooks = next(d for d in documents if isinstance(d, dict) and "repos" in d)
    hook_ids = {h["id"] for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert {h["id"] for h in hooks["repos"][0]["hooks"]} <= hook_ids
    for block in re.findall(r"```toml\n(.*?)```", readme, re.S):
        config = tomllib.loads(block)["tool"]["licensecheck"]
        Config.model_validate(config)
