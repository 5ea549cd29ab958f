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

from helpers.browser import dump_dom
from helpers.paths import HOSTILE, REPO
from licensecheck.cli import main

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


def _wait_for_signal_handlers(pid: int, timeout: float = 60) -> None:
    """Wait until the child catches SIGTERM (its ``SigCgt`` mask in /proc), i.e. the CLI has
    installed its handlers: a fixed sleep raced the start-up on a loaded machine."""
    import signal

    status = Path(f"/proc/{pid}/status")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not status.exists():
            return
        caught = next(
            (
                line.split()[1]
                for line in status.read_text().splitlines()
                if line.startswith("SigCgt:")
            ),
            "0",
        )
        if int(caught, 16) & (1 << (signal.SIGTERM - 1)):
            time.sleep(0.3)  # into the evaluation, past the handlers' installation
            return
        time.sleep(0.05)
    raise AssertionError("the command never installed its signal handlers")


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
    _wait_for_signal_handlers(proc.pid)
    assert proc.poll() is None, "the run finished before the signal: make the rules slower"
    proc.send_signal(getattr(signal, signal_name))
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == code
    assert f"{word}; no partial output was written" in err and "Traceback" not in err
    assert list(output.parent.iterdir()) == []


EVIL_NAME = (
    'Evil <script>alert("x")</script> <img src=x onerror=alert(1)> | co \u0001\u0007 '
    + "z" * 20_000
)


def evil_pack(tmp_path: Path) -> Path:
    rules = (
        'rule E-1 { title: "Check <b>bold</b> | pipe" domain: d severity: high cite: "<i>law</i>"\n'
        '  remediation: "<script>alert(2)</script> fix | it" require: company.headcount > 5 }'
    )
    return one_rule_file_pack(tmp_path, rules)


def evil_declaration(tmp_path: Path) -> Path:
    import json

    path = tmp_path / "evil.json"
    data = {"schema_version": 1, "company": {"name": EVIL_NAME, "headcount": 1}}
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "github", "oscal", "text"])
def test_machine_outputs_stay_well_formed_with_hostile_strings(tmp_path: Path, fmt: str) -> None:
    import json
    import xml.dom.minidom

    out = tmp_path / f"out.{fmt}"
    code, err = run(
        "check",
        str(evil_declaration(tmp_path)),
        "--pack",
        str(evil_pack(tmp_path)),
        "--format",
        fmt,
        "-o",
        str(out),
    )
    assert code == 1, err
    text = out.read_text(encoding="utf-8")
    if fmt in ("json", "sarif", "oscal"):
        json.loads(text)
    elif fmt == "junit":
        xml.dom.minidom.parseString(text.encode("utf-8"))
    elif fmt == "github":  # workflow commands, then one summary line; no raw control character
        lines = text.splitlines()
        assert lines[0].startswith("::error ") and all(
            ord(ch) >= 0x20 for line in lines for ch in line
        )


def test_html_report_renders_hostile_text_as_text(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    args = (
        "report",
        str(evil_declaration(tmp_path)),
        "--pack",
        str(evil_pack(tmp_path)),
        "--format",
        "html",
        "-o",
        str(out),
    )
    code, err = run(*args)
    assert code == 1, err
    html = out.read_text(encoding="utf-8")
    for raw in ("<script>alert", "<img src=x", "<b>bold</b>", "<i>law</i>"):
        assert raw not in html
    assert (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
        or "&lt;script&gt;alert(&quot;x&quot;)" in html
    )
    dom = dump_dom(out)
    if dom is not None:  # in a real browser: no script or img element came from the inputs
        assert "<script" not in dom.lower()
        assert "<img" not in dom.lower()
        assert "&lt;script&gt;" in dom


def test_markdown_report_keeps_tables_intact(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    code, _ = run(
        "report",
        str(evil_declaration(tmp_path)),
        "--pack",
        str(evil_pack(tmp_path)),
        "--format",
        "markdown",
        "-o",
        str(out),
    )
    assert code == 1
    for line in out.read_text(encoding="utf-8").splitlines():
        if line.startswith("|") and "pipe" in line:
            assert "\\|" in line  # the pipe in the rule title cannot split the row


def test_lone_surrogates_are_refused_with_a_position(tmp_path: Path) -> None:
    path = tmp_path / "surrogate.json"
    path.write_text('{"schema_version": 1, "company": {"name": "x \\ud800"}}', encoding="utf-8")
    code, err = run("check", str(path), "--pack", "starter")
    assert code == 2 and ":1:46:" in err and "surrogate" in err and "Traceback" not in err


TEMPLATES = sorted(p for p in (HOSTILE / "templates").iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", TEMPLATES, ids=[p.name for p in TEMPLATES])
def test_hostile_templates(folder: Path, golden: Golden, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    relative = str(folder.relative_to(REPO))
    started = time.perf_counter()
    code, err = run(
        "report",
        "examples/state-backed-data-co.yaml",
        "--pack",
        "cn-credit-reporting",
        "--format",
        "markdown",
        "--templates",
        relative,
        "--as-of",
        "2026-01-15",
        "--fail-on",
        "none",
    )
    assert time.perf_counter() - started < 10
    assert code == 2 and "Traceback" not in err and err.startswith(relative)
    golden(f"hostile/template-{folder.name}.txt", err)


def test_template_symlinked_outside_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("secret")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "report.md.j2").write_text("{% include 'leak.j2' %}")
    (folder / "leak.j2").symlink_to(tmp_path / "secret.txt")
    code, err = run(
        "report",
        str(EXAMPLE),
        "--pack",
        "starter",
        "--format",
        "markdown",
        "--templates",
        str(folder),
        "--fail-on",
        "none",
    )
    assert code == 2 and "secret" not in err.replace("secret.txt", "") and "Traceback" not in err


def test_limits_are_set_from_the_command_line(tmp_path: Path) -> None:
    code, err = run("--max-declaration-bytes", "100", "validate", str(EXAMPLE))
    assert code == 2 and "larger than 100 bytes" in err
    nested = tmp_path / "nested.yaml"
    nested.write_text("schema_version: 1\ncompany: {name: X}\nextensions: {a: {b: {c: {d: 1}}}}\n")
    code, err = run("--max-nesting", "3", "validate", str(nested))
    assert code == 2 and "nested more than 3 levels" in err
    listed = tmp_path / "listed.yaml"
    listed.write_text(
        "schema_version: 1\ncompany: {name: Xyzzy}\nprocessing: {purposes: [a, b, c]}\n"
    )
    code, err = run("--max-list-length", "2", "validate", str(listed))
    assert code == 2 and "more than 2 items" in err
    code, err = run("--max-string-length", "3", "validate", str(listed))
    assert code == 2 and "longer than 3 characters" in err
    code, err = run("--max-values", "5", "validate", str(listed))
    assert code == 2
    import json

    code, _ = run(
        "--max-rule-steps",
        "2",
        "check",
        str(EXAMPLE),
        "--pack",
        "starter",
        "--format",
        "json",
        "-o",
        str(tmp_path / "r.json"),
    )
    errors = [
        f
        for f in json.loads((tmp_path / "r.json").read_text())["findings"]
        if f["status"] == "error"
    ]
    assert errors and all("more than 2 list elements" in f["message"] for f in errors)
    code, _ = run("validate", str(listed))  # the limits applied to that one command only
    assert code == 0


def test_limits_reach_batch_worker_processes(tmp_path: Path) -> None:
    folder = tmp_path / "decls"
    folder.mkdir()
    for i in range(2):
        (folder / f"d{i}.yaml").write_bytes(EXAMPLE.read_bytes())
    out = tmp_path / "batch.json"
    run(
        "--max-rule-steps",
        "2",
        "check",
        str(folder),
        "--pack",
        "starter",
        "--jobs",
        "2",
        "--format",
        "json",
        "-o",
        str(out),
    )
    text = out.read_text(encoding="utf-8")
    assert text.count("more than 2 list elements") >= 2 * 5


def test_fmt_refuses_an_over_limit_rules_file_as_lint_does(tmp_path: Path) -> None:
    from licensecheck.packs.loader import MAX_RULES_FILE_BYTES

    pack = one_rule_file_pack(tmp_path, "")
    with (pack / "main.rules").open("r+b") as handle:
        handle.truncate(MAX_RULES_FILE_BYTES + 1)  # sparse: the size is refused before reading
    expected = f"main.rules:1:1: error: the rules file is larger than {MAX_RULES_FILE_BYTES} bytes"
    for command in ("lint", "fmt"):  # lint reports on stdout, fmt on stderr
        result = CliRunner().invoke(main, ["packs", command, str(pack)])
        assert result.exit_code == 2 and "Traceback" not in result.output
        assert expected in result.output, (command, result.output)


# Values that attack whoever reads an output: terminal escapes (OSC 52 clipboard write, OSC 8
# link, title change, screen clear, the one-byte C1 CSI, a right-to-left override), lines
# GitHub would run as workflow commands, Markdown links, images and HTML, spreadsheet formulas.
ATTACKS = (
    "\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;pwned\x07\x1b[2J\x9b31m\u202e"
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"
    "\n::error file=x::forged\r\n::stop-commands::t"
    " [x](javascript:alert(1)) ![](https://evil.example/p.png) <img src=x> | a"
)


def attacking_inputs(tmp_path: Path) -> tuple[Path, Path]:
    """A declaration and a pack whose every printed value carries :data:`ATTACKS`."""
    import json

    escaped = json.dumps(ATTACKS)  # rule strings take JSON's escapes
    rules = (
        f"rule E-1 {{ title: {escaped} domain: d severity: high cite: {escaped}\n"
        f'  remediation: {escaped} require: company.name == "ok" }}\n'
        f'rule E-2 {{ title: "=HYPERLINK(\\"https://evil\\")" domain: d severity: low\n'
        f'  remediation: "@SUM(1)" require: company.headcount > 5 }}\n'
    )
    pack = one_rule_file_pack(tmp_path, rules)
    declaration = tmp_path / "decl\n::error::forged.json"  # a file name is a value too
    data = {"schema_version": 1, "company": {"name": ATTACKS, "headcount": 1}}
    declaration.write_text(json.dumps(data), encoding="utf-8")
    return declaration, pack


def output_of(tmp_path: Path, *args: str) -> str:
    out = tmp_path / "out.txt"
    code, err = run(*args, "-o", str(out), "--as-of", "2026-01-15")
    assert code == 1, err
    return out.read_text(encoding="utf-8")


def assert_no_control_characters(text: str) -> None:
    import re

    raw = re.findall("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)
    assert not raw, raw


def test_text_output_cannot_attack_the_terminal(tmp_path: Path) -> None:
    declaration, pack = attacking_inputs(tmp_path)
    text = output_of(tmp_path, "check", str(declaration), "--pack", str(pack), "--verbose")
    assert_no_control_characters(text)
    assert "\\x1b]52;c;" in text and "\\u202e" in text  # shown, not obeyed
    assert not any(line.startswith("::") for line in text.splitlines())


def test_error_snippets_cannot_attack_the_terminal(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(f"schema_version: 1\ncompany:\n  name: x{ATTACKS[:40]}\n", encoding="utf-8")
    code, err = run("validate", str(path))
    assert code == 2
    assert_no_control_characters(err)


def test_github_output_has_only_the_commands_it_means(tmp_path: Path) -> None:
    declaration, pack = attacking_inputs(tmp_path)
    text = output_of(tmp_path, "check", str(declaration), "--pack", str(pack), "--format", "github")
    assert_no_control_characters(text)
    lines = text.splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == 2 and all(c.startswith(("::error ", "::warning ")) for c in commands)
    assert len(lines) == 3  # the two annotations and one summary line, which is no command


def test_markdown_report_cannot_add_links_images_html_or_rows(tmp_path: Path) -> None:
    declaration, pack = attacking_inputs(tmp_path)
    text = output_of(
        tmp_path, "report", str(declaration), "--pack", str(pack), "--format", "markdown"
    )
    assert_no_control_characters(text)
    import re

    assert not re.search(r"(?<!\\)\[[^\]]*\]\(", text)  # no link or image opens
    for raw in ("<img", "\n::error", "\n::stop-commands"):
        assert raw not in text, raw
    assert "\\[x](javascript:" in text and "!\\[](https:" in text and "&lt;img" in text
    for line in text.splitlines():
        if line.startswith("|") and "pwned" in line:
            assert "| a" not in line.replace("\\| a", "")  # the value's pipe is escaped


def test_plan_csv_cells_are_not_formulas(tmp_path: Path) -> None:
    import csv
    import io

    declaration, pack = attacking_inputs(tmp_path)
    text = output_of(tmp_path, "plan", str(declaration), "--pack", str(pack), "--format", "csv")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert '\'=HYPERLINK("https://evil")' in cells and "'@SUM(1)" in cells
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells)
