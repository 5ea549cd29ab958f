"""Hostile cases that need more than one file: links, FIFOs, devices, outputs, pack graphs,
plans, baselines and configuration (issue #11). Each builds its files in an empty folder and
says how to call the CLI there; tests/test_hostile_resources.py runs it in a subprocess and
compares its stderr with tests/golden/hostile/scenario-<name>.txt.

Things git cannot hold (FIFOs, links to outside, 1,200 packs, names that are not UTF-8) are
made here, at run time.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from helpers.paths import REPO

EXAMPLE = REPO / "examples" / "demo-credit-scoring.yaml"
RULE = 'rule A-1 {{ title: "x" domain: d severity: low effort: {effort} require: {require} }}\n'


@dataclass(frozen=True)
class Scenario:
    """``setup`` fills the folder and returns the CLI arguments; ``code`` is the exit status
    expected; ``fsize`` caps the size of any file the run writes (a full disk); ``after``
    checks the folder once the run is over (what was, or was not, written)."""

    name: str
    setup: Callable[[Path], list[str]]
    code: int = 2
    fsize: int | None = None
    after: Callable[[Path], None] | None = None


def declaration(folder: Path, name: str = "d.yaml") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(EXAMPLE.read_bytes())
    return path


def pack(folder: Path, pack_id: str = "p", *, rules: str | None = None, extra: str = "") -> Path:
    root = folder / pack_id
    root.mkdir(parents=True, exist_ok=True)
    (root / "pack.yaml").write_text(
        f"id: {pack_id}\nversion: 1.0.0\ntitle: P\ndomains: {{d: {{title: D}}}}\n{extra}"
    )
    text = rules if rules is not None else RULE.format(effort="2 days", require="true")
    (root / "main.rules").write_text(text)
    return root


def check(*args: str) -> list[str]:
    return ["check", *args, "--as-of", "2026-01-15"]


# ---------------------------------------------------------------- 1. reading outside


def scan_link_to_file(folder: Path) -> list[str]:
    declaration(folder, "decls/a.yaml")
    (folder / "secret.yaml").write_text("PRIVATE KEY: [\n")
    (folder / "decls" / "link.yaml").symlink_to("../secret.yaml")
    return check("decls", "--pack", "starter")


def scan_link_to_folder(folder: Path) -> list[str]:
    declaration(folder, "decls/a.yaml")
    (folder / "elsewhere").mkdir()
    (folder / "elsewhere" / "env.yaml").write_text("TOKEN: [\n")
    (folder / "decls" / "more").symlink_to("../elsewhere")
    return check("decls", "--pack", "starter")


def extends_outside(folder: Path) -> list[str]:
    declaration(folder)
    pack(folder / "far", "base")
    pack(folder / "packs", "child", extra="extends: ../../far/base\n")
    return check("d.yaml", "--pack", "packs/child")


def fmt_link_outside(folder: Path) -> list[str]:
    root = pack(folder / "packs", "linked")
    (folder / "outside.rules").write_text(RULE.format(effort="2 days", require="true"))
    (root / "main.rules").unlink()
    (root / "main.rules").symlink_to(folder / "outside.rules")
    return ["packs", "fmt", "packs/linked"]


# ---------------------------------------------------------------- 5. outputs


def output_onto(target: str) -> Callable[[Path], list[str]]:
    """``check`` writing its report onto a file the run reads."""

    def setup(folder: Path) -> list[str]:
        declaration(folder)
        pack(folder)
        (folder / "templates").mkdir()
        (folder / "templates" / "report.md.j2").write_text("{{ report.company }}\n")
        (folder / "licensecheck.toml").write_text('fail_on = "none"\n')
        if target.startswith("templates/"):
            return ["report", "d.yaml", "--pack", "p", "--format", "markdown",
                    "--templates", "templates", "-o", target]  # fmt: skip
        return check("d.yaml", "--pack", "p", "-o", target)

    return setup


def output_onto_fifo(folder: Path) -> list[str]:
    declaration(folder)
    os.mkfifo(folder / "pipe")
    return check("d.yaml", "--pack", "starter", "-o", "pipe")


def output_into_scanned_folder(folder: Path) -> list[str]:
    declaration(folder, "decls/a.yaml")
    declaration(folder, "decls/b.yaml")
    return check("decls", "--pack", "starter", "-o", "decls/b.yaml")


def output_on_full_disk(folder: Path) -> list[str]:
    declaration(folder)
    return check("d.yaml", "--pack", "starter", "--format", "json", "-o", "out/report.json")


def make_out(folder: Path) -> None:
    (folder / "out").mkdir()


def nothing_written(folder: Path) -> None:
    assert list((folder / "out").iterdir()) == [], "a partial output was left behind"


# ---------------------------------------------------------------- 6. special files


def fifo_declaration(folder: Path) -> list[str]:
    os.mkfifo(folder / "d.yaml")
    return ["validate", "d.yaml"]


def fifo_rules(folder: Path) -> list[str]:
    declaration(folder)
    root = pack(folder)
    os.mkfifo(root / "zz.rules")
    return check("d.yaml", "--pack", "./p")


def fifo_pack_yaml(folder: Path) -> list[str]:
    declaration(folder)
    (folder / "p").mkdir()
    os.mkfifo(folder / "p" / "pack.yaml")
    return check("d.yaml", "--pack", "./p")


def fifo_schema(folder: Path) -> list[str]:
    declaration(folder)
    root = pack(folder)
    os.mkfifo(root / "schema.json")
    return check("d.yaml", "--pack", "./p")


def extends_chain(folder: Path) -> list[str]:
    declaration(folder)
    pack(folder / "chain", "p0")
    for i in range(1, 1200):
        pack(folder / "chain", f"p{i}", extra=f"extends: p{i - 1}\n")
    return check("d.yaml", "--pack", "chain/p1199")


def extends_huge_version(folder: Path) -> list[str]:
    declaration(folder)
    pack(folder, extra="extends: starter >=" + "9" * 5000 + "\n")
    return check("d.yaml", "--pack", "./p")


# ---------------------------------------------------------------- 3. schema.json patterns


def schema_pack(folder: Path, schema: dict[str, object]) -> Path:
    root = pack(folder)
    (root / "schema.json").write_text(json.dumps(schema, indent=2))
    return root


def schema_lookahead(folder: Path) -> list[str]:
    declaration(folder)
    schema_pack(folder, {"type": "object", "patternProperties": {"(?=x)y": {"type": "string"}}})
    return check("d.yaml", "--pack", "./p")


def schema_unevaluated(folder: Path) -> list[str]:
    declaration(folder)
    schema_pack(folder, {"type": "object", "unevaluatedProperties": False})
    return check("d.yaml", "--pack", "./p")


def schema_catastrophic(folder: Path) -> list[str]:
    """``^(a+)+$`` against 5,000 a's and a "!" (1,000 b's in a key) takes Python's re forever; RE2 a moment."""
    schema_pack(
        folder,
        {
            "type": "object",
            "properties": {"name": {"type": "string", "pattern": "^(a+)+$"}},
            "patternProperties": {"^(b+)+$": {"type": "string"}},
            "additionalProperties": False,
        },
    )
    hostile = {"name": "a" * 5000 + "!", "b" * 1000 + "!": "x"}  # YAML keys: <= 1024
    text = EXAMPLE.read_text() + "extensions:\n  p: " + json.dumps(hostile) + "\n"
    (folder / "d.yaml").write_text(text)
    return check("d.yaml", "--pack", "./p")


# ---------------------------------------------------------------- 7. plans, baselines, config


def plan_late_start(folder: Path) -> list[str]:
    declaration(folder)
    return ["plan", "d.yaml", "--pack", "starter", "--start", "9999-12-20", "--as-of", "2026-01-15"]


def plan_huge_effort(folder: Path) -> list[str]:
    declaration(folder)
    pack(folder, rules=RULE.format(effort="100000000 years", require='company.name == "q"'))
    return ["plan", "d.yaml", "--pack", "./p", "--as-of", "2026-01-15"]


def baseline(text: str) -> Callable[[Path], list[str]]:
    def setup(folder: Path) -> list[str]:
        declaration(folder)
        (folder / "baseline.json").write_text(text)
        return check("d.yaml", "--pack", "starter", "--baseline", "baseline.json")

    return setup


def configuration(name: str, text: str) -> Callable[[Path], list[str]]:
    def setup(folder: Path) -> list[str]:
        declaration(folder)
        (folder / name).write_text(text)
        return check("d.yaml", "--pack", "starter")

    return setup


def waivers(text: str) -> Callable[[Path], list[str]]:
    def setup(folder: Path) -> list[str]:
        declaration(folder)
        (folder / "waivers.yaml").write_text(text)
        return check("d.yaml", "--pack", "starter", "--waivers", "waivers.yaml")

    return setup


def non_utf8_name(folder: Path) -> list[str]:
    name = os.fsdecode(b"broken-\xff.yaml")
    (folder / name).write_text("schema_version: 1\ncompany: [\n")
    return ["validate", name]


def batch_with_bad_file(folder: Path) -> list[str]:
    declaration(folder, "decls/a.yaml")
    (folder / "decls" / "b.yaml").write_text("schema_version: 1\ncompany: [\n")
    (folder / "decls" / os.fsdecode(b"c-\xfe.yaml")).write_bytes(EXAMPLE.read_bytes())
    return check("decls", "--pack", "starter", "--format", "json", "-o", "batch.json")


def batch_written(folder: Path) -> None:
    report = json.loads((folder / "batch.json").read_text(encoding="utf-8"))
    assessed = [r["declaration"] for r in report["results"] if r.get("report")]
    assert assessed == ["decls/a.yaml", "decls/c-\\udcfe.yaml"], assessed


DEEP = "[" * 100_000 + "]" * 100_000
HUGE = "9" * 5000

SCENARIOS = (
    Scenario("scan-link-to-file", scan_link_to_file),
    Scenario("scan-link-to-folder", scan_link_to_folder),
    Scenario("extends-outside", extends_outside),
    Scenario("fmt-link-outside", fmt_link_outside),
    Scenario("output-onto-declaration", output_onto("d.yaml")),
    Scenario("output-onto-rules", output_onto("p/main.rules")),
    Scenario("output-onto-pack-yaml", output_onto("p/pack.yaml")),
    Scenario("output-onto-template", output_onto("templates/report.md.j2")),
    Scenario("output-onto-config", output_onto("licensecheck.toml")),
    Scenario("output-onto-folder", output_onto("p")),
    Scenario("output-onto-fifo", output_onto_fifo),
    Scenario("output-dev-full", output_onto("/dev/full")),
    Scenario("output-dev-stdout", output_onto("/dev/stdout")),
    Scenario("output-missing-folder", output_onto("nowhere/report.txt")),
    Scenario("output-into-scanned-folder", output_into_scanned_folder),
    Scenario(
        "output-full-disk",
        lambda f: (make_out(f), output_on_full_disk(f))[1],
        fsize=512,
        after=nothing_written,
    ),
    Scenario("fifo-declaration", fifo_declaration),
    Scenario("device-declaration", lambda f: ["validate", "/dev/zero"]),
    Scenario("fifo-rules", fifo_rules),
    Scenario("fifo-pack-yaml", fifo_pack_yaml),
    Scenario("fifo-schema", fifo_schema),
    Scenario("extends-chain-1200", extends_chain),
    Scenario("extends-huge-version", extends_huge_version),
    Scenario("schema-lookahead", schema_lookahead),
    Scenario("schema-unevaluated", schema_unevaluated),
    Scenario("schema-catastrophic-pattern", schema_catastrophic),
    Scenario("plan-late-start", plan_late_start),
    Scenario("plan-huge-effort", plan_huge_effort),
    Scenario("baseline-deep", baseline(DEEP)),
    Scenario("baseline-huge-int", baseline('{"tool": ' + HUGE + "}")),
    Scenario(
        "pyproject-deep", configuration("pyproject.toml", f"[tool.licensecheck]\nx = {DEEP}\n")
    ),
    Scenario(
        "pyproject-huge-int",
        configuration("pyproject.toml", f"[tool.licensecheck]\nfail_on = {HUGE}\n"),
    ),
    Scenario("config-deep", configuration("licensecheck.toml", f"x = {DEEP}\n")),
    Scenario("waivers-deep", waivers("waivers: " + "[" * 500 + "]" * 500 + "\n")),
    Scenario(
        "waivers-alias-bomb",
        waivers("a: &a [" + ",".join(["x"] * 1100) + "]\nb: [" + ",".join(["*a"] * 1000) + "]\n"),
    ),
    Scenario("non-utf8-file-name", non_utf8_name),
    Scenario("batch-with-bad-file", batch_with_bad_file, after=batch_written),
)
