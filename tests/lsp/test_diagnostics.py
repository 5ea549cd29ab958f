"""Diagnostics as you type, over a real client: the same codes, messages and places as
``packs lint``, recomputed for the changed pack and the packs extending it; a did-you-mean
carries its fix as a code action."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from licensecheck.api import lint_pack

from .conftest import diagnostics_for, edit, open_file

pytestmark = pytest.mark.asyncio

MISSPELT = ("company.registered_capital_cny", "company.registered_captial_cny")


async def test_a_clean_pack_file_has_no_errors(client: LanguageClient, folder: Path) -> None:
    uri = open_file(client, folder / "packs/starter/licensing.rules")
    found = await diagnostics_for(client, uri)
    assert [d for d in found if d.severity == t.DiagnosticSeverity.Error] == []


async def test_a_misspelt_path_gives_the_lint_diagnostic_and_its_fix(
    client: LanguageClient, folder: Path
) -> None:
    path = folder / "packs/starter/licensing.rules"
    text = path.read_text(encoding="utf-8")
    uri = open_file(client, path)
    await diagnostics_for(client, uri)
    typed = text.replace(*MISSPELT, 1)
    edit(client, uri, typed, 2)
    found = await diagnostics_for(
        client, uri, until=lambda ds: any(d.code == "unknown-path" for d in ds)
    )

    # the same diagnostic `packs lint` gives for the file as saved with the typo
    path.write_text(typed, encoding="utf-8")
    expected = [d for d in lint_pack(path.parent).diagnostics if d.code == "unknown-path"]
    path.write_text(text, encoding="utf-8")
    wrong = [d for d in found if d.code == "unknown-path"]
    assert [(d.message, d.range.start.line + 1, d.range.start.character + 1) for d in wrong] == [
        (e.message, e.span.line, e.span.column) for e in expected if e.span
    ]
    assert "did you mean 'registered_capital_cny'" in wrong[0].message

    actions = await client.text_document_code_action_async(
        t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri),
            range=wrong[0].range,
            context=t.CodeActionContext(diagnostics=wrong),
        )
    )
    assert actions
    action = actions[0]
    assert isinstance(action, t.CodeAction) and action.edit and action.edit.changes
    (change,) = action.edit.changes[uri]
    fixed = apply(typed, change)
    assert fixed == text
    edit(client, uri, fixed, 3)
    after = await diagnostics_for(
        client, uri, until=lambda ds: not any(d.code == "unknown-path" for d in ds)
    )
    assert not [d for d in after if d.severity == t.DiagnosticSeverity.Error]


async def test_a_missing_required_field_has_a_code_action(
    client: LanguageClient, folder: Path
) -> None:
    path = folder / "packs/child/extra.rules"
    text = path.read_text(encoding="utf-8").replace("    severity: low\n", "")
    uri = open_file(client, path, text)
    found = await diagnostics_for(
        client, uri, until=lambda ds: any(d.code == "missing-field" for d in ds)
    )
    missing = [d for d in found if d.code == "missing-field"]
    actions = await client.text_document_code_action_async(
        t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri),
            range=missing[0].range,
            context=t.CodeActionContext(diagnostics=missing),
        )
    )
    assert actions and isinstance(actions[0], t.CodeAction)
    assert actions[0].title == "Add 'severity'"
    (change,) = actions[0].edit.changes[uri]  # type: ignore[union-attr,index]
    assert "severity: " in apply(text, change)


async def test_a_change_to_a_parent_rechecks_the_packs_extending_it(
    client: LanguageClient, folder: Path
) -> None:
    child = open_file(client, folder / "packs/child/extra.rules")
    await diagnostics_for(client, child)
    common = folder / "packs/starter/common.rules"
    uri = open_file(client, common)
    await diagnostics_for(client, uri)
    # the child uses the parent's const: renaming it in the parent breaks the child
    renamed = common.read_text(encoding="utf-8").replace(
        "MIN_PERSONAL_CREDIT_CAPITAL_CNY", "MIN_CAPITAL"
    )
    edit(client, uri, renamed, 2)
    found = await diagnostics_for(
        client,
        child,
        until=lambda ds: any("MIN_PERSONAL_CREDIT_CAPITAL_CNY" in d.message for d in ds),
    )
    assert any(d.severity == t.DiagnosticSeverity.Error for d in found)


async def test_a_declaration_is_validated_as_validate_does(
    client: LanguageClient, folder: Path
) -> None:
    path = folder / "firm.yaml"
    text = path.read_text(encoding="utf-8").replace("company:", "compnay:", 1)
    uri = open_file(client, path, text)
    found = await diagnostics_for(client, uri, until=bool)
    assert any("did you mean 'company'" in d.message for d in found)
    actions = await client.text_document_code_action_async(
        t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri),
            range=found[0].range,
            context=t.CodeActionContext(diagnostics=found),
        )
    )
    fixes = [a for a in actions or [] if isinstance(a, t.CodeAction)]
    assert fixes and fixes[0].edit and fixes[0].edit.changes
    assert apply(text, fixes[0].edit.changes[uri][0]).startswith(
        path.read_text(encoding="utf-8")[:200]
    )


def apply(text: str, change: t.TextEdit | t.AnnotatedTextEdit | t.SnippetTextEdit) -> str:
    """``text`` with one edit applied."""
    lines = text.split("\n")

    def offset(p: t.Position) -> int:
        return sum(len(x) + 1 for x in lines[: p.line]) + p.character

    start, end = offset(change.range.start), offset(change.range.end)
    new = change.new_text if isinstance(change, t.TextEdit) else str(change.new_text)
    return text[:start] + new + text[end:]


async def test_yaml_that_is_no_declaration_is_left_alone(
    client: LanguageClient, folder: Path
) -> None:
    workflow = folder / "ci.yml"
    workflow.write_text("on: push\njobs: {}\n", encoding="utf-8")
    uri = open_file(client, workflow)
    declaration = open_file(client, folder / "firm.yaml")
    await diagnostics_for(client, declaration)  # the declaration was checked; the workflow not
    assert uri not in client.diagnostics
