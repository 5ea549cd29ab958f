"""The hostile-input corpus: every bad input gets its expected message, never a traceback.

Each file under tests/hostile/ is run through the CLI as a user would; its stderr must
match tests/golden/hostile/<name>.txt (regenerate with pytest --update-goldens and review).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO
from licensecheck.cli import main

HOSTILE = Path(__file__).resolve().parent / "hostile"
DECLARATIONS = sorted((HOSTILE / "declarations").iterdir())
RULES = sorted((HOSTILE / "rules").iterdir())
EXAMPLE = REPO / "examples" / "demo-credit-scoring.yaml"

Golden = Callable[[str, str], None]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.stderr


def one_rule_file_pack(tmp_path: Path, rules_text: str) -> Path:
    pack = tmp_path / "hostile"
    pack.mkdir()
    (pack / "pack.yaml").write_text(
        "id: hostile\nversion: 1.0.0\ntitle: H\ndomains: {d: {title: D}}\n"
    )
    (pack / "main.rules").write_text(rules_text, encoding="utf-8")
    return pack


def test_corpus_is_large_enough() -> None:
    assert len(DECLARATIONS) + len(RULES) >= 40


@pytest.mark.parametrize("path", DECLARATIONS, ids=[p.name for p in DECLARATIONS])
def test_hostile_declaration(path: Path, golden: Golden, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    relative = str(path.relative_to(REPO))
    started = time.perf_counter()
    code, err = run("validate", relative)
    assert time.perf_counter() - started < 5
    assert code == 2
    assert "Traceback" not in err
    assert err.startswith(f"{relative}:")
    golden(f"hostile/{path.name}.txt", err)


@pytest.mark.parametrize("path", RULES, ids=[p.name for p in RULES])
def test_hostile_rules(path: Path, tmp_path: Path, golden: Golden) -> None:
    pack = one_rule_file_pack(tmp_path, path.read_text(encoding="utf-8"))
    code, err = run("check", str(EXAMPLE), "--pack", str(pack), "--as-of", "2026-01-15")
    assert code == 2
    assert "Traceback" not in err
    normalised = err.replace(str(pack), "<pack>")
    assert normalised.startswith("<pack>/")
    golden(f"hostile/{path.name}.txt", normalised)


@pytest.mark.parametrize(
    ("rules", "fragment"),
    [
        (
            'rule A-1 { title: "x" domain: d severity: low require: ' + "not " * 5000 + "true }",
            "nests more than 150 levels",
        ),
        (
            'rule A-1 { title: "x" domain: d severity: low require: '
            + " + ".join(["1"] * 5000)
            + " > 0 }",
            "nests more than 150 levels",
        ),
        (
            "\n".join(f"predicate p{i} = p{i + 1}" for i in range(600))
            + '\npredicate p600 = true\nrule A-1 { title: "x" domain: d severity: low require: p0 }',
            "nest too deeply",
        ),
        (
            'rule A-1 { title: "x" domain: d severity: low require: '
            + "(" * 20000
            + "true"
            + ")" * 20000
            + " }",
            None,
        ),
    ],
    ids=["deep-not", "long-sum", "predicate-chain", "deep-parentheses"],
)
def test_generated_hostile_rules(tmp_path: Path, rules: str, fragment: str | None) -> None:
    pack = one_rule_file_pack(tmp_path, rules)
    code, err = run("check", str(EXAMPLE), "--pack", str(pack), "--as-of", "2026-01-15")
    assert "Traceback" not in err
    if fragment is None:  # parentheses add no depth: the rule loads and runs
        assert code == 0
    else:
        assert code == 2 and fragment in err


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (
            lambda: "schema_version: 1\ncompany: {name: X}\n" + "# padding\n" * 1_200_000,
            "larger than",
        ),
        (
            lambda: (
                "schema_version: 1\ncompany: {name: X}\nprocessing:\n  purposes: ["
                + ", ".join(["p"] * 100_001)
                + "]\n"
            ),
            "more than 100000 items",
        ),
        (
            lambda: "schema_version: 1\ncompany:\n  name: " + "x" * 100_001 + "\n",
            "longer than 100000 characters",
        ),
    ],
    ids=["oversized-file", "long-list", "long-string"],
)
def test_generated_hostile_declarations(
    tmp_path: Path, content: Callable[[], str], fragment: str
) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(content(), encoding="utf-8")
    started = time.perf_counter()
    code, err = run("validate", str(path))
    assert time.perf_counter() - started < 10
    assert code == 2 and fragment in err and "Traceback" not in err


def test_catastrophic_pattern_runs_in_linear_time(tmp_path: Path) -> None:
    """A pattern that makes backtracking engines hang is harmless under RE2."""
    rules = (
        'rule A-1 { title: "x" domain: d severity: low require: company.name matches "^(a+)+$" }'
    )
    pack = one_rule_file_pack(tmp_path, rules)
    declaration = tmp_path / "d.yaml"
    declaration.write_text("schema_version: 1\ncompany:\n  name: " + "a" * 50_000 + "!\n")
    started = time.perf_counter()
    code, _ = run("check", str(declaration), "--pack", str(pack), "--fail-on", "none")
    assert code == 0
    assert time.perf_counter() - started < 5


def test_rules_file_symlinked_outside_the_pack_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.rules"
    outside.write_text('rule A-1 { title: "x" domain: d severity: low require: true }')
    pack = tmp_path / "linked"
    pack.mkdir()
    (pack / "pack.yaml").write_text("id: linked\nversion: 1.0.0\ntitle: L\n")
    (pack / "main.rules").symlink_to(outside)
    code, err = run("check", str(EXAMPLE), "--pack", str(pack))
    assert code == 2 and "outside the pack folder" in err


@pytest.mark.parametrize(
    ("signal_name", "code", "word"),
    [("SIGTERM", 143, "terminated"), ("SIGINT", 130, "interrupted")],
)
def test_a_signal_mid_run_leaves_no_partial_output(
    tmp_path: Path, signal_name: str, code: int, word: str
) -> None:
    import signal
    import subprocess
    import sys

    slow = "\n".join(
        f'rule S-{i} {{ title: "x" domain: d severity: low require: all a in data_sources: all b in data_sources: a.id != "zz" }}'
        for i in range(40)
    )
    pack = one_rule_file_pack(tmp_path, slow)
    declaration = tmp_path / "many.yaml"
    sources = "".join(f"  - {{id: s{i}}}\n" for i in range(900))
    declaration.write_text(f"schema_version: 1\ncompany: {{name: X}}\ndata_sources:\n{sources}")
    output = tmp_path / "out" / "report.json"
    output.parent.mkdir()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "licensecheck",
            "check",
            str(declaration),
            "--pack",
            str(pack),
            "--format",
            "json",
            "-o",
            str(output),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(1.5)
    assert proc.poll() is None, "the run finished before the signal: make the rules slower"
    proc.send_signal(getattr(signal, signal_name))
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == code
    assert f"{word}; no partial output was written" in err and "Traceback" not in err
    assert list(output.parent.iterdir()) == []
