"""An older version of the bundled cn-credit-reporting pack, built in a test's folder.

Shared by the pack-diff and impact tests: the differences are known, so both can assert the
exact result. Relative to the bundled pack (the NEW version), the OLD one has
a lower capital threshold, lower severities on CR-CON-003, CR-CON-004, CR-SEC-002 and (by an
override in pack.yaml) the parent's PI-PIA-003 — the gaps that keep the state-backed example
from being ready, so it flips — a looser CR-CON-002, no CR-CON-005, an extra rule CR-OLD-001,
version 1.0.0, and records.rules laid out differently (no change of meaning).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from helpers.paths import REPO

PACK = "cn-credit-reporting"
BUNDLED = REPO / "policies" / PACK

OLD_CAPITAL = "30_000_000"
EXTRA_RULE = """
rule CR-OLD-001 {
    title: "Keep a paper copy of the licence application"
    domain: conditions
    severity: low
    cite: ["An old circular"]
    require: company.registered_capital_cny >= 1
    message: "no paper copy"
    remediation: "Keep one."
}
"""


def build_old_pack(folder: Path) -> Path:
    """Copy the bundled pack to ``folder/cn-credit-reporting`` and make it the OLD version."""
    old = folder / PACK
    shutil.copytree(BUNDLED, old)
    _edit(old / "pack.yaml", "version: 1.1.0", "version: 1.0.0")
    with (old / "pack.yaml").open("a", encoding="utf-8") as manifest:
        manifest.write("overrides:\n  PI-PIA-003: {severity: medium}\n")
    _edit(
        old / "common.rules",
        "const CR_MIN_REGISTERED_CAPITAL_CNY = 50_000_000",
        f"const CR_MIN_REGISTERED_CAPITAL_CNY = {OLD_CAPITAL}",
    )
    conditions = old / "conditions.rules"
    text = conditions.read_text(encoding="utf-8")
    text = set_severity(text, "CR-CON-003", "medium")
    text = set_severity(text, "CR-CON-004", "medium")
    text = _replace_once(
        text, "where s.pct >= CR_MAIN_SHAREHOLDER_PCT", "where s.pct > CR_MAIN_SHAREHOLDER_PCT"
    )
    text, removed = re.subn(r"\nrule CR-CON-005 \{.*?\n\}\n", "\n", text, flags=re.S)
    assert removed == 1
    conditions.write_text(text + EXTRA_RULE, encoding="utf-8")
    security = old / "security.rules"
    security.write_text(
        set_severity(security.read_text(encoding="utf-8"), "CR-SEC-002", "medium"),
        encoding="utf-8",
    )
    relayout(old / "records.rules")
    return old


def relayout(path: Path) -> None:
    """Same meaning, other layout: deeper indentation, blank lines, comments at line ends,
    numbers spelt with underscores."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("    ") and not line.rstrip().endswith(('"', "\\")):
            line = "        " + line.strip() + "   # relaid"
        lines.append(line)
        if line.startswith("}"):
            lines.append("")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def set_severity(text: str, rule_id: str, severity: str) -> str:
    """``text`` with the severity of rule ``rule_id`` set to ``severity``."""
    pattern = re.compile(rf"(rule {re.escape(rule_id)} \{{.*?\n\s*severity: )\w+", re.S)
    changed, count = pattern.subn(rf"\g<1>{severity}", text, count=1)
    assert count == 1, rule_id
    return changed


def _edit(path: Path, old: str, new: str) -> None:
    path.write_text(_replace_once(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)
