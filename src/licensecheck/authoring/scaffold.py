"""Scaffold a new pack (``packs new``): a folder that loads, lints clean and passes its tests.

Input: a pack id, a parent folder and optionally a pack to extend. Output: the new pack
folder holding ``pack.yaml`` (with ``extends`` pinned to the parent's major version, and
commented ``overrides``/``disable`` to fill in), ``main.rules`` with one example rule, and
``tests/`` with one case where the rule passes, one where it fails and one where it is
unknown, so ``packs test`` starts at full coverage.
"""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Sequence
from pathlib import Path

from .. import codes
from ..engine.pipeline import prepare_pack
from ..engine.rules import CheckedPack
from ..errors import Diagnostic, UsageError
from ..packs.loader import PACK_ID_PATTERN, load_pack
from .fmt import format_rules


def rule_prefix(pack_id: str) -> str:
    """``acme-credit`` -> ``AC``: the initials of the pack id's words."""
    return "".join(word[0] for word in pack_id.split("-")).upper()


def new_pack(
    pack_id: str,
    directory: str | os.PathLike[str] = ".",
    *,
    extends: str | None = None,
    title: str | None = None,
    pack_path: Sequence[str | os.PathLike[str]] | None = None,
) -> Path:
    """Write the pack ``directory/pack_id``; raise :class:`UsageError` if it cannot."""
    if not re.match(PACK_ID_PATTERN, pack_id):
        raise UsageError(
            Diagnostic(
                codes.USAGE,
                f"'{pack_id}' is not a pack id: use lower-case words joined by dashes, "
                "such as acme-credit",
            )
        )
    parent = Path(directory)
    if not parent.is_dir():
        raise UsageError(Diagnostic(codes.USAGE, f"{parent} is not a folder"))
    folder = parent / pack_id
    if folder.exists():
        raise UsageError(Diagnostic(codes.USAGE, f"{folder} already exists; choose another name"))
    extends_lines = ""
    if extends is not None:
        base = load_pack(extends, pack_path=pack_path)
        major = base.manifest.version.split(".")[0]
        reference = extends if base.manifest.id == extends else os.path.relpath(base.root, folder)
        extends_lines = (
            f'extends: "{reference} >={base.manifest.version},<{int(major) + 1}"\n'
            + _inheritance_examples(prepare_pack(base).checked)
        )
    folder.mkdir()
    (folder / "tests").mkdir()
    files = _files(pack_id, title or pack_id, extends_lines)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _inheritance_examples(parent: CheckedPack) -> str:
    """Commented ``overrides`` and ``disable`` naming the parent's own rules and domains, so
    that uncommenting them gives a pack that loads."""
    rules = sorted(parent.rules, key=lambda r: r.id)
    if not rules:
        return ""
    first, last = rules[0], rules[-1]
    severity = "low" if first.severity != "low" else "medium"
    domain = next((d for d in parent.domains if d != first.domain), first.domain)
    disabled = ", ".join(dict.fromkeys((last.id, domain)))
    return (
        "# Change inherited rules (severity, effort, remediation, message, title, after):\n"
        "# overrides:\n"
        f"#   {first.id}: {{severity: {severity}, effort: 90 days}}\n"
        "# Leave out inherited rules or whole domains:\n"
        f"# disable: [{disabled}]\n"
    )


def _files(pack_id: str, title: str, extends_lines: str) -> dict[str, str]:
    rule_id = f"{rule_prefix(pack_id)}-CLI-001"
    manifest = (
        f"id: {pack_id}\n"
        "version: 0.1.0\n"
        f'title: "{title}"\n'
        'description: "What the pack checks, for whom, in two or three sentences."\n'
        "languages: [en]\n"
        f"{extends_lines}"
        "domains:\n"
        '  client: {title: "Client requirements"}\n'
    )
    rules = format_rules(
        textwrap.dedent(
            f"""\
            # An example rule: replace it with the client's own requirements.
            # Reference: docs/language.md; check with: licensecheck packs lint {pack_id}

            rule {rule_id} {{
                title: "Appoint a personal information protection officer"
                domain: client
                severity: medium
                cite: "PIPL Art. 52"
                when: any s in data_sources: s.contains_personal_info
                require: governance.pi_protection_officer.appointed
                message: "no personal information protection officer is appointed"
                remediation: "Appoint a senior manager as officer and publish the contact details."
                effort: 14 days
            }}
            """
        )
    )
    declaration = textwrap.dedent(
        """\
        declaration:
          schema_version: 1
          company: {name: Example Co}
          data_sources:
            - {id: app-users, contains_personal_info: true}
        """
    )
    return {
        "pack.yaml": manifest,
        "main.rules": rules,
        "tests/pass.yaml": (
            'description: "an appointed officer meets the rule"\n'
            f"{declaration}"
            "  governance: {pi_protection_officer: {appointed: true}}\n"
            f"expect:\n  {rule_id}: pass\n"
        ),
        "tests/fail.yaml": (
            'description: "no officer appointed: the rule fails and names the field"\n'
            f"{declaration}"
            "  governance: {pi_protection_officer: {appointed: false}}\n"
            f"expect:\n  {rule_id}: fail\n"
            f"expect_witnesses:\n  {rule_id}: [governance.pi_protection_officer.appointed]\n"
        ),
        "tests/unknown.yaml": (
            'description: "nothing said about an officer: unknown, not fail"\n'
            f"{declaration}"
            f"expect:\n  {rule_id}: unknown\n"
        ),
    }
