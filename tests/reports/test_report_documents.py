"""Rendered gap reports and plans: goldens for every format, numbers checked against the
assessment, determinism, schemas, the sandbox for user templates, and the CLI."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import jsonschema  # type: ignore[import-untyped, unused-ignore]
import pytest
from click.testing import CliRunner

import licensecheck
from helpers.paths import REPO
from helpers.reports import AS_OF, FIRMS, PACK, assessment, in_repo, pack
from licensecheck.cli import main
from licensecheck.engine.models import SEVERITIES, STATUSES
from licensecheck.reports.documents import CSV_COLUMNS

Golden = Callable[[str, str], None]
EXT = {"markdown": "md", "html": "html", "json": "json", "csv": "csv"}


def run(*args: str) -> tuple[int, str, str]:
    with in_repo():
        result = CliRunner().invoke(main, ["--no-config", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def report_text(firm: str, fmt: str, lang: str = "en") -> str:
    with in_repo():
        r = licensecheck.gap_report(FIRMS[firm], pack(), as_of=AS_OF, lang=lang)
    return licensecheck.render_report(r, fmt)


def plan_text(firm: str, fmt: str, lang: str = "en", **options: object) -> str:
    with in_repo():
        p = licensecheck.plan(FIRMS[firm], pack(), as_of=AS_OF, lang=lang, **options)  # type: ignore[arg-type]
    return licensecheck.render_plan(p, fmt)


# ---------------------------------------------------------------- goldens


@pytest.mark.parametrize("firm", sorted(FIRMS))
@pytest.mark.parametrize(
    ("fmt", "lang"),
    [("markdown", "en"), ("html", "en"), ("json", "en"), ("markdown", "zh"), ("html", "zh")],
)
def test_report_goldens(firm: str, fmt: str, lang: str, golden: Golden) -> None:
    golden(f"reports/report-{firm}-{lang}.{EXT[fmt]}", report_text(firm, fmt, lang))


@pytest.mark.parametrize("firm", sorted(FIRMS))
@pytest.mark.parametrize(
    ("fmt", "lang"),
    [("markdown", "en"), ("html", "en"), ("json", "en"), ("csv", "en"), ("markdown", "zh")],
)
def test_plan_goldens(firm: str, fmt: str, lang: str, golden: Golden) -> None:
    text = plan_text(firm, fmt, lang, what_if=True)
    if fmt == "csv":  # golden files are read as text (universal newlines); CRLF is tested below
        assert text.count("\r\n") == text.count("\n")
        text = text.replace("\r\n", "\n")
    golden(f"reports/plan-{firm}-{lang}.{EXT[fmt]}", text)


def test_cli_writes_the_golden_bytes(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    code, _, _ = run(
        "report",
        FIRMS["state"],
        "--pack",
        PACK,
        "--as-of",
        "2026-01-15",
        "--format",
        "html",
        "-o",
        str(out),
    )
    assert code == 1  # the firm has blocking gaps
    first = out.read_bytes()
    run(
        "report",
        FIRMS["state"],
        "--pack",
        PACK,
        "--as-of",
        "2026-01-15",
        "--format",
        "html",
        "-o",
        str(out),
    )
    assert out.read_bytes() == first == report_text("state", "html").encode("utf-8")


# ---------------------------------------------------------------- numbers in the documents


class _Dom(HTMLParser):
    """Text by element id, and the text of cells carrying data-severity/data-status."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, str] = {}
        self.cells: dict[tuple[str | None, str | None], str] = {}
        self.open: list[tuple[str | None, tuple[str | None, str | None] | None, list[str]]] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        self.attrs.append((tag, a))
        if tag in ("meta", "br", "path", "rect", "line"):
            return
        cell = (
            (a.get("data-severity"), a.get("data-status"))
            if tag in ("td", "th") and "data-status" in a
            else None
        )
        self.open.append((a.get("id"), cell, []))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("meta", "br", "path", "rect", "line") or not self.open:
            return
        element_id, cell, text = self.open.pop()
        joined = "".join(text)
        if element_id:
            self.by_id[element_id] = joined
        if cell:
            self.cells[cell] = joined
        if self.open:
            self.open[-1][2].append(joined)

    def handle_data(self, data: str) -> None:
        if self.open:
            self.open[-1][2].append(data)


def dom(html: str) -> _Dom:
    parser = _Dom()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("firm", sorted(FIRMS))
def test_html_report_numbers_come_from_the_assessment(firm: str) -> None:
    a = assessment(firm)
    page = dom(report_text(firm, "html"))
    unknown = {f.rule_id for f in a.findings if f.status == "unknown"}
    best = licensecheck.gap_report  # (the range is tested in test_report_gap; here: shown)
    assert best
    assert page.by_id["score"] == str(a.summary.score)
    assert page.by_id["verdict"] == ("Licence-ready" if a.summary.ready else "Not licence-ready")
    blocking = [
        f
        for f in a.findings
        if f.severity in ("critical", "high")
        and f.status in ("fail", "unknown", "error")
        and not f.in_grace
    ]
    assert page.by_id["blocking-count"] == str(len(blocking))
    for severity in SEVERITIES:
        for status in STATUSES:
            n = sum(1 for f in a.findings if f.severity == severity and f.status == status)
            assert page.cells[severity, status] == str(n)
    for status in STATUSES:
        assert page.cells[None, status] == str(sum(1 for f in a.findings if f.status == status))
    low, high = re.fullmatch(r"\(range (\d+)–(\d+)\)", page.by_id["score-range"]).groups()  # type: ignore[union-attr]
    assert int(low) == a.summary.score and int(high) >= int(low)
    assert bool(unknown) == (int(high) > int(low)) or not unknown


@pytest.mark.parametrize("firm", sorted(FIRMS))
def test_markdown_report_numbers_come_from_the_assessment(firm: str) -> None:
    a = assessment(firm)
    text = report_text(firm, "markdown")
    score = re.search(r"Readiness score \*\*(\d+)\*\*/100", text)
    assert score is not None and int(score.group(1)) == a.summary.score
    blocking = re.search(r"### Blocking gaps \((\d+)\)", text)
    n_blocking = sum(
        1
        for f in a.findings
        if f.severity in ("critical", "high")
        and f.status in ("fail", "unknown", "error")
        and not f.in_grace
    )
    assert blocking is not None and int(blocking.group(1)) == n_blocking
    for severity in SEVERITIES:
        row = re.search(rf"^\| {severity} \|(.*)\|$", text, re.MULTILINE)
        assert row is not None
        cells = [int(c) for c in row.group(1).split("|")]
        expected = [
            sum(1 for f in a.findings if f.severity == severity and f.status == s) for s in STATUSES
        ]
        assert cells == [*expected, sum(expected)]
    gaps = re.findall(r"^#### ([A-Z]+-[A-Z]+-\d+) ·", text, re.MULTILINE)
    assert sorted(gaps) == sorted(f.rule_id for f in a.findings if f.status in ("fail", "error"))


@pytest.mark.parametrize("firm", sorted(FIRMS))
def test_plan_documents_show_the_plans_dates(firm: str) -> None:
    with in_repo():
        p = licensecheck.plan(FIRMS[firm], pack(), as_of=AS_OF)
    page = dom(licensecheck.render_plan(p, "html"))
    assert page.by_id["ready-on"] == p.ready_on.isoformat()
    assert page.by_id["completes-on"] == p.completes_on.isoformat()
    assert page.by_id["score"] == str(p.score)
    assert page.by_id["task-count"] == str(len(p.tasks))
    bars = [a for tag, a in page.attrs if tag == "rect" and a.get("class") == "task"]
    assert [b["data-task"] for b in bars] == [t.id for t in p.tasks]
    assert [b.get("data-critical") == "true" for b in bars] == [t.critical for t in p.tasks]
    md = licensecheck.render_plan(p, "markdown")
    assert f"**Projected licence-ready date: {p.ready_on}**" in md
    rows = {line.split("`")[1]: line for line in md.splitlines() if line.startswith("| `")}
    assert list(rows) == [t.id for t in p.tasks]
    for t in p.tasks:
        assert f"| {t.effort_days} | {t.start} | {t.end} |" in rows[t.id]


def test_csv_imports_as_a_table() -> None:
    with in_repo():
        p = licensecheck.plan(FIRMS["crawler"], pack(), as_of=AS_OF)
    text = licensecheck.render_plan(p, "csv")
    assert text.count("\r\n") == len(p.tasks) + 1 and "\n" not in text.replace("\r\n", "")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [r["id"] for r in rows] == [t.id for t in p.tasks]
    for row, t in zip(rows, p.tasks, strict=True):
        assert row["start"] == t.start.isoformat() and row["end"] == t.end.isoformat()
        assert row["on_critical_path"] == ("true" if t.critical else "false")
        assert row["depends_on"].split() == t.depends_on
        assert int(row["effort_days"]) == t.effort_days
        assert row["remediation"] == (t.remediation or "")
    assert licensecheck.render_plan(p, "csv", bom=True) == "\ufeff" + text


@pytest.mark.parametrize(("kind", "schema"), [("report", "gap-report"), ("plan", "plan")])
@pytest.mark.parametrize("firm", sorted(FIRMS))
def test_json_follows_the_generated_schema(kind: str, schema: str, firm: str) -> None:
    text = report_text(firm, "json") if kind == "report" else plan_text(firm, "json", what_if=True)
    document = json.loads((REPO / "schemas" / f"{schema}.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(document)
    data = json.loads(text)
    validator.validate(data)
    # The output and the schema come from one model: show the committed schema really constrains,
    # refusing what the output must never be (a field lost, one invented, a number as words).
    lost = {k: v for k, v in data.items() if k != "score"}
    for broken in (lost, {**data, "invented": 1}, {**data, "score": "high"}):
        assert not validator.is_valid(broken)


@pytest.mark.parametrize("firm", sorted(FIRMS))
def test_html_is_one_self_contained_file(firm: str) -> None:
    for html in (report_text(firm, "html"), plan_text(firm, "html")):
        page = dom(html)
        assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
        assert "iframe" not in page.tags
        # Links to the pack's legal sources are for the reader to follow; nothing is fetched.
        sources = {s.url for s in pack().checked.loaded.manifest.sources if s.url}
        assert set(re.findall(r'<a href="(https?://[^"]+)"', html)) <= sources
        loaded = re.sub(r'<a href="https?://[^"]+"', "<a", html)
        urls = re.findall(r"(?:https?:)?//[\w.-]+", loaded)
        assert set(urls) <= {"http://www.w3.org"}, urls  # the SVG namespace only
        assert "@page { size: A4" in html
        assert "Noto Sans CJK SC" in html
        assert page.tags.count("svg") >= 1


def test_rendering_twice_is_byte_identical() -> None:
    assert report_text("crawler", "html", "zh") == report_text("crawler", "html", "zh")
    assert plan_text("crawler", "csv") == plan_text("crawler", "csv")


# ---------------------------------------------------------------- user templates


def test_user_templates_render_in_the_sandbox(tmp_path: Path) -> None:
    (tmp_path / "report.md.j2").write_text(
        "{{ report.company }}: {{ report.score }} ({{ report.score_range.worst }}-"
        "{{ report.score_range.best }}) {{ labels.ready }}\n",
        encoding="utf-8",
    )
    code, out, _ = run(
        "report",
        FIRMS["state"],
        "--pack",
        PACK,
        "--as-of",
        "2026-01-15",
        "--templates",
        str(tmp_path),
        "--fail-on",
        "none",
    )
    assert code == 0
    assert out == "Zhejiang Example Credit Data Co., Ltd.: 93 (93-94) Licence-ready\n"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ ''.__class__.__mro__ }}", "access to attribute '__class__'"),
        ("line one\n{{ report.no_such_field }}", "'dict object' has no attribute 'no_such_field'"),
        ("{% for x in %}", "Expected an expression"),
        ("{% include '/etc/passwd' %}", "'/etc/passwd' is not in the --templates folder"),
    ],
)
def test_user_template_errors_name_the_file_and_line(
    tmp_path: Path, template: str, message: str
) -> None:
    (tmp_path / "report.md.j2").write_text(template, encoding="utf-8")
    code, out, err = run("report", FIRMS["state"], "--pack", PACK, "--templates", str(tmp_path))
    assert code == 2 and out == ""
    assert message in err
    assert "Traceback" not in err
    if "no_such_field" in template:
        assert f"{tmp_path / 'report.md.j2'}:2:1: error: template error" in err


def test_user_templates_cannot_follow_links_out_of_their_folder(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret", encoding="utf-8")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "leak.txt").symlink_to(secret)
    (folder / "report.md.j2").write_text("{% include 'leak.txt' %}", encoding="utf-8")
    code, out, err = run("report", FIRMS["state"], "--pack", PACK, "--templates", str(folder))
    assert code == 2 and "top secret" not in out + err
    assert "'leak.txt' is not in the --templates folder" in err


def test_missing_user_template_says_where_to_start(tmp_path: Path) -> None:
    code, _, err = run(
        "plan", FIRMS["state"], "--pack", PACK, "--templates", str(tmp_path), "--format", "html"
    )
    assert code == 2
    assert "no template 'plan.html.j2'" in err and "start from a copy" in err


# ---------------------------------------------------------------- the CLI


def test_report_and_plan_exit_codes() -> None:
    common = ("--pack", PACK, "--as-of", "2026-01-15")
    assert run("report", "--pack", "starter", FIRMS["crawler"], *common)[0] == 1
    assert (
        run("report", "--pack", "starter", FIRMS["crawler"], *common, "--fail-on", "none")[0] == 0
    )
    assert run("plan", "--pack", "starter", FIRMS["state"], *common)[0] == 1
    assert (
        run(
            "plan",
            "--pack",
            "starter",
            FIRMS["state"],
            *common,
            "--fail-on",
            "critical",
            "--assume-fixed",
            "CR-CON-003",
        )[0]
        == 0
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("report", "--pack", "starter", "examples/nope.yaml"), "nope.yaml"),
        (("report", "--pack", "starter", FIRMS["state"], "--format", "pdf"), "'pdf' is not one of"),
        (("plan", "--pack", "starter", FIRMS["state"], "--capacity", "0"), "0 is not in the range"),
        (("plan", "--pack", "starter", FIRMS["state"], "--start", "15/01/2026"), "is not a date"),
        (
            ("plan", "--pack", "starter", FIRMS["state"], "--assume-fixed", "CR-CON-003,NOPE-1"),
            "no rule 'NOPE-1'",
        ),
        (
            ("report", "--pack", "starter", FIRMS["state"], "-o", FIRMS["state"]),
            "would overwrite the input file",
        ),
    ],
)
def test_bad_input_is_a_clear_error(args: tuple[str, ...], message: str) -> None:
    code, out, err = run(*args, "--pack", PACK)
    assert code == 2, err
    assert message in err and "Traceback" not in err
    assert out == ""


def test_assume_fixed_accepts_repeats_and_commas() -> None:
    a = run(
        "plan",
        FIRMS["state"],
        "--pack",
        PACK,
        "--as-of",
        "2026-01-15",
        "--format",
        "json",
        "--assume-fixed",
        "CR-CON-003,CR-SEC-002",
    )
    b = run(
        "plan",
        FIRMS["state"],
        "--pack",
        PACK,
        "--as-of",
        "2026-01-15",
        "--format",
        "json",
        "--assume-fixed",
        "CR-CON-003",
        "--assume-fixed",
        "CR-SEC-002",
    )
    assert a[1] == b[1]
    assert json.loads(a[1])["assumptions"]["assumed_fixed"] == ["CR-CON-003", "CR-SEC-002"]


def test_schema_command_prints_the_new_schemas() -> None:
    for name in ("gap-report", "plan"):
        code, out, _ = run("schema", name)
        assert code == 0
        assert json.loads(out) == json.loads(
            (REPO / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
        )


def test_check_does_not_import_jinja(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from licensecheck.cli import main\n"
        "try:\n"
        "    main(['--no-config', 'check', 'examples/state-backed-data-co.yaml', '--pack', 'starter'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('jinja2' in sys.modules, 'licensecheck.reports.gap' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert done.stdout.strip().splitlines()[-1] == "False False", done.stderr


def test_docs_python_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    text = (REPO / "docs" / "reports.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    with in_repo():
        exec(compile(code, "docs/reports.md", "exec"), {})
    lines = capsys.readouterr().out.splitlines()
    r = licensecheck.gap_report(REPO / FIRMS["crawler"], pack(), as_of=AS_OF)
    assert lines[0] == f"{r.score} {r.score_range.worst} {r.score_range.best}"
    assert lines[-1] == "1 1"


def test_written_files_get_ordinary_permissions(tmp_path: Path) -> None:
    import os
    import stat

    out = tmp_path / "plan.csv"
    run("plan", FIRMS["state"], "--pack", PACK, "--format", "csv", "-o", str(out))
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask
    out.chmod(0o640)
    run("plan", FIRMS["state"], "--pack", PACK, "--format", "csv", "-o", str(out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # an existing file keeps its mode
