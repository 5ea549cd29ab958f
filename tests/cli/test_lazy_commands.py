"""A command imports only what it runs: the CLI's commands are loaded by name (issue #12,
cold start), and a warm ``check`` loads no other command's modules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click

from helpers.paths import REPO
from licensecheck.cli import _COMMANDS, main

#: Modules a ``check`` of one declaration never needs: other commands and their engines
NOT_FOR_A_CHECK = [
    "licensecheck.cli.workspace",
    "licensecheck.cli.serve",
    "licensecheck.cli.editor",
    "licensecheck.cli.evidence",
    "licensecheck.cli.packs",
    "licensecheck.cli.keys",
    "licensecheck.declaration.evidence_add",
    "licensecheck.reports.evidence",
    # the facades and models of what one file's check does not do (issue #12, cold start)
    "licensecheck.api.workspace",
    "licensecheck.api.editor",
    "licensecheck.authoring.schema_export",
    "licensecheck.engine.batch_report",
    "licensecheck.packs.signing",
    "licensecheck.packs.distributions",
]

CHILD = """
import json, sys
from licensecheck.cli import main
try:
    main(sys.argv[2:])
except SystemExit:
    pass
print(json.dumps(sorted(set(json.loads(sys.argv[1])) & set(sys.modules))), file=sys.stderr)
"""


def _loaded_by(args: list[str], cache: Path) -> list[str]:
    env = {**os.environ, "LICENSECHECK_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(NOT_FOR_A_CHECK), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stderr.splitlines()[-1])
    return loaded


def test_a_check_imports_no_other_commands_modules(tmp_path: Path) -> None:
    args = ["--no-config", "check", "examples/demo-credit-scoring.yaml", "--pack", "starter"]
    args += ["--format", "json", "--as-of", "2026-01-15", "-o", str(tmp_path / "r.json")]
    assert _loaded_by(args, tmp_path / "cache") == []
    # and the same list is loaded by a command that needs it: the test can fail
    assert "licensecheck.cli.packs" in _loaded_by(["packs", "list"], tmp_path / "cache")


def test_every_command_resolves_by_its_name() -> None:
    ctx = click.Context(main)
    assert main.list_commands(ctx) == sorted(_COMMANDS)
    for name in _COMMANDS:
        command = main.get_command(ctx, name)
        assert isinstance(command, click.Command) and command.name == name
    assert main.get_command(ctx, "no-such-command") is None


def test_the_package_loads_its_api_and_subpackages_when_first_asked() -> None:
    """Nothing of the API is imported with the package, yet ``licensecheck.api``, its
    functions and the subpackages are there when first named, as before they were lazy."""
    child = (
        "import sys, licensecheck\n"
        "assert 'licensecheck.api' not in sys.modules\n"
        "assert licensecheck.api.assess is licensecheck.assess\n"
        "assert licensecheck.engine.models.Finding is licensecheck.Finding\n"
        "assert licensecheck.api.workspace.open_workspace is licensecheck.api.open_workspace\n"
        "assert not hasattr(licensecheck, 'no_such_thing')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", child], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
