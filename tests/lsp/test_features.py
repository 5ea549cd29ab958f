"""Hover, completion, navigation, symbols, folding, formatting and code lenses, over a real
client, each checked against what the engine itself says."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types as t
from pytest_lsp import LanguageClient

from licensecheck import api

from .conftest import diagnostics_for, open_file

pytestmark = pytest.mark.asyncio


def position(text: str, needle: str, offset: int = 0, nth: int = 0) -> t.Position:
    """Where ``needle`` (its ``nth`` occurrence) starts, plus ``offset`` characters."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += offset
    line = text.count("\n", 0, at)
    return t.Position(line, at - (text.rfind("\n", 0, at) + 1))


async def opened(client: LanguageClient, path: Path, text: str | None = None) -> tuple[str, str]:
    uri = open_file(client, path, text)
    await diagnostics_for(client, uri)
    return uri, path.read_text(encoding="utf-8") if text is None else text


async def hover_at(client: LanguageClient, uri: str, where: t.Position) -> str:
    found = await client.text_document_hover_async(
        t.HoverParams(t.TextDocumentIdentifier(uri), where)
    )
    assert found is not None and isinstance(found.contents, t.MarkupContent)
    return found.contents.value


async def labels_at(client: LanguageClient, uri: str, where: t.Position) -> set[str]:
    found = await client.text_document_completion_async(
        t.CompletionParams(t.TextDocumentIdentifier(uri), where)
    )
    items = found.items if isinstance(found, t.CompletionList) else found or []
    return {item.label for item in items}


# ---------------------------------------------------------------- hover


async def test_hover_on_a_path_gives_its_schema_type_and_description(
    client: LanguageClient, folder: Path
) -> None:
    uri, text = await opened(client, folder / "packs/starter/licensing.rules")
    shown = await hover_at(client, uri, position(text, "registered_capital_cny", 3))
    node = api.declaration_schema().node_at(["company", "registered_capital_cny"])
    assert node is not None
    assert "company.registered_capital_cny" in shown
    assert node.kind in shown and node.description.split(".")[0] in shown


async def test_hover_on_a_quantifier_path_gives_enum_values(
    client: LanguageClient, folder: Path
) -> None:
    uri, text = await opened(client, folder / "packs/starter/licensing.rules")
    shown = await hover_at(client, uri, position(text, "l.kind", 3))
    node = api.declaration_schema().node_at(["company", "licenses", 0, "kind"])
    assert node is not None and node.enum
    assert "company.licenses[].kind" in shown
    assert all(str(v) in shown for v in node.enum)


async def test_hover_on_a_const_a_predicate_and_a_rule(
    client: LanguageClient, folder: Path
) -> None:
    uri, text = await opened(client, folder / "packs/starter/licensing.rules")
    checked = api.prepare_pack(folder / "packs/starter").checked
    const = await hover_at(client, uri, position(text, "MIN_PERSONAL_CREDIT_CAPITAL_CNY", 2))
    assert str(checked.consts["MIN_PERSONAL_CREDIT_CAPITAL_CNY"]) in const
    predicate = await hover_at(client, uri, position(text, "when: provides_personal_credit", 8))
    words = api.requirement_words(checked.predicates["provides_personal_credit"], checked.consts)
    assert "predicate provides_personal_credit =" in predicate and words in predicate
    rule = await hover_at(client, uri, position(text, "ST-LIC-002", 2, nth=1))
    found = checked.rule("ST-LIC-002")
    assert found is not None
    assert found.title["en"] in rule and found.cite[0] in rule
    assert api.requirement_words(found.require, checked.consts) in rule


async def test_hover_follows_the_client_locale(zh_client: LanguageClient, folder: Path) -> None:
    uri, text = await opened(zh_client, folder / "packs/starter/licensing.rules")
    rule = await hover_at(zh_client, uri, position(text, "ST-LIC-002", 2, nth=1))
    assert "申请个人征信业务许可的注册资本不少于人民币五千万元" in rule


async def test_hover_in_a_declaration_names_the_rules_reading_the_field(
    client: LanguageClient, folder: Path
) -> None:
    await opened(client, folder / "packs/starter/licensing.rules")  # the configured pack
    uri, text = await opened(client, folder / "firm.yaml")
    shown = await hover_at(client, uri, position(text, "registered_capital_cny"))
    readers = api.fields_read(folder / "packs/starter")["company.registered_capital_cny"]
    assert "company.registered_capital_cny" in shown
    assert all(rule in shown for rule in readers)


# ---------------------------------------------------------------- completion


async def test_completion_of_paths_enums_names_and_rule_ids(
    client: LanguageClient, folder: Path
) -> None:
    path = folder / "packs/child/extra.rules"
    text = path.read_text(encoding="utf-8")
    typed = text.replace(
        "    remediation:",
        '    when: company.\n    when: all l in company.licenses: l.kind == "\n'
        "    when: \n    after: [\n    remediation:",
    )
    uri, _ = await opened(client, path, typed)
    schema = api.declaration_schema()
    company = schema.node_at(["company"])
    assert company is not None
    assert await labels_at(client, uri, position(typed, "company.\n", 8)) == set(company.properties)
    kind = schema.node_at(["company", "licenses", 0, "kind"])
    assert kind is not None and kind.enum
    assert {str(v) for v in kind.enum} <= await labels_at(client, uri, position(typed, '== "', 4))
    everything = await labels_at(client, uri, position(typed, "when: \n", 6))
    checked = api.prepare_pack(folder / "packs/child").checked
    assert set(checked.consts) | set(checked.predicates) <= everything
    assert "company" in everything
    in_quantifier = await labels_at(client, uri, position(typed, "l.kind", 0))
    assert "l" in in_quantifier
    rule_ids = await labels_at(client, uri, position(typed, "after: [", 8))
    assert {r.id for r in checked.rules} <= rule_ids
    fields = await labels_at(client, uri, position(typed, "    title", 4))
    assert {"title", "require", "severity", "cite"} <= fields


# ---------------------------------------------------------------- navigation


async def test_definition_and_references_across_extends(
    client: LanguageClient, folder: Path
) -> None:
    starter = folder / "packs/starter/licensing.rules"
    await opened(client, starter)
    uri, text = await opened(client, folder / "packs/child/extra.rules")
    where = position(text, "MIN_PERSONAL_CREDIT_CAPITAL_CNY", 3)
    found = await client.text_document_definition_async(
        t.DefinitionParams(t.TextDocumentIdentifier(uri), where)
    )
    assert isinstance(found, list) and len(found) == 1
    assert isinstance(found[0], t.Location)
    assert found[0].uri == (folder / "packs/starter/common.rules").resolve().as_uri()
    common = (folder / "packs/starter/common.rules").read_text(encoding="utf-8")
    assert found[0].range.start.line == position(common, "const MIN_PERSONAL").line

    refs = await client.text_document_references_async(
        t.ReferenceParams(
            context=t.ReferenceContext(include_declaration=True),
            text_document=t.TextDocumentIdentifier(uri),
            position=where,
        )
    )
    places = {(Path(r.uri[len("file://") :]).name, r.range.start.line) for r in refs or []}
    assert ("extra.rules", where.line) in places
    assert ("common.rules", found[0].range.start.line) in places
    licensing = starter.read_text(encoding="utf-8")
    assert ("licensing.rules", position(licensing, "MIN_PERSONAL_CREDIT").line) in places


async def test_rule_references_include_after_lists(client: LanguageClient, folder: Path) -> None:
    uri, text = await opened(client, folder / "packs/starter/licensing.rules")
    refs = await client.text_document_references_async(
        t.ReferenceParams(
            context=t.ReferenceContext(include_declaration=True),
            text_document=t.TextDocumentIdentifier(uri),
            position=position(text, "ST-LIC-002", 1),
        )
    )
    lines = {r.range.start.line for r in refs or [] if r.uri.endswith("licensing.rules")}
    assert position(text, "ST-LIC-002").line in lines
    assert position(text, "rule ST-LIC-002").line in lines


async def test_symbols_and_folding(client: LanguageClient, folder: Path) -> None:
    uri, _ = await opened(client, folder / "packs/starter/common.rules")
    symbols = await client.text_document_document_symbol_async(
        t.DocumentSymbolParams(t.TextDocumentIdentifier(uri))
    )
    names = {s.name: s.kind for s in symbols or [] if isinstance(s, t.DocumentSymbol)}
    checked = api.prepare_pack(folder / "packs/starter").checked
    assert names["MIN_PERSONAL_CREDIT_CAPITAL_CNY"] == t.SymbolKind.Constant
    assert names["provides_personal_credit"] == t.SymbolKind.Function
    assert set(names) <= set(checked.consts) | set(checked.predicates)

    rules_uri, rules = await opened(client, folder / "packs/starter/licensing.rules")
    folds = await client.text_document_folding_range_async(
        t.FoldingRangeParams(t.TextDocumentIdentifier(rules_uri))
    )
    starts = {f.start_line for f in folds or [] if f.kind is None}
    assert starts == {position(rules, m).line for m in _rule_lines(rules)}


def _rule_lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.startswith("rule ")]


async def test_formatting_is_packs_fmt(client: LanguageClient, folder: Path) -> None:
    path = folder / "packs/child/extra.rules"
    messy = path.read_text(encoding="utf-8").replace("    severity: low", "severity:    low")
    uri, _ = await opened(client, path, messy)
    edits = await client.text_document_formatting_async(
        t.DocumentFormattingParams(
            t.TextDocumentIdentifier(uri), t.FormattingOptions(tab_size=4, insert_spaces=True)
        )
    )
    assert edits and len(edits) == 1
    assert edits[0].new_text == api.format_rules(messy, str(path))
    assert "    severity: low" in edits[0].new_text


async def test_code_lens_shows_each_rules_status_on_the_configured_declaration(
    client: LanguageClient, folder: Path
) -> None:
    uri, text = await opened(client, folder / "packs/starter/licensing.rules")
    lenses = await client.text_document_code_lens_async(
        t.CodeLensParams(t.TextDocumentIdentifier(uri))
    )
    assessment = api.assess(folder / "firm.yaml", folder / "packs/starter")
    shown = {lens.range.start.line: lens.command.title for lens in lenses or [] if lens.command}
    for rule_line in _rule_lines(text):
        rule_id = rule_line.split()[1]
        finding = assessment.finding(rule_id)
        assert finding is not None
        title = shown[position(text, rule_line).line]
        assert title.startswith(f"firm.yaml: {finding.status}")
        if finding.witnesses:
            assert finding.witnesses[0].path in title
