"""Answers to the editor's requests, from the engine's results and the text at the cursor.

Input: the :class:`~.project.Project`, a document's path and text, a cursor. Output:
:mod:`lsprotocol` values. Every fact comes from the engine: the checked pack (rules, consts,
predicates, the schema merged with the pack's extensions), ``packs fmt``, the requirement
words of :mod:`licensecheck.reports.requirements` and the fields ``init`` says rules read.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from lsprotocol import types as t

from .. import api
from ..api import syntax
from .language import DEFINITION, RULE_START, Cursor, yaml_path
from .project import Project, definitions

if TYPE_CHECKING:
    from ..api import CheckedPack, Diagnostic, Rule, SchemaNode, Span

SOURCE = "licensecheck"
#: Rule fields, in the order ``packs fmt`` writes them; the first four are required
RULE_FIELDS = (
    "title", "domain", "severity", "require", "when", "cite", "message", "remediation",
    "effort", "after", "evidence", "tags", "effective_from", "grace_until",
)  # fmt: skip
REQUIRED_FIELDS = RULE_FIELDS[:4]
SUGGESTION = re.compile(r"\(did you mean '([^']*)'\?\)")
MISSING = re.compile(r"rule \S+ has no '(\w+)'")


# ---------------------------------------------------------------- diagnostics


def to_lsp(diagnostic: Diagnostic) -> t.Diagnostic:
    """An engine diagnostic as the editor shows it: same code, message and place; the
    did-you-mean suggestion carried in ``data`` for its code action."""
    span = diagnostic.span
    line = max((span.line if span else 1) - 1, 0)
    column = max((span.column if span else 1) - 1, 0)
    end_line = (span.end_line - 1) if span and span.end_line else line
    end_column = (span.end_column - 1) if span and span.end_column else column + 1
    message = diagnostic.message + (f"\nhint: {diagnostic.hint}" if diagnostic.hint else "")
    suggestion = SUGGESTION.search(diagnostic.message)
    return t.Diagnostic(
        range=t.Range(t.Position(line, column), t.Position(end_line, end_column)),
        message=message,
        severity=t.DiagnosticSeverity.Error
        if diagnostic.level == "error"
        else t.DiagnosticSeverity.Warning,
        code=diagnostic.code,
        source=SOURCE,
        data={"suggestion": suggestion.group(1)} if suggestion else None,
    )


# ---------------------------------------------------------------- code actions


def code_actions(uri: str, text: str, diagnostics: Iterable[t.Diagnostic]) -> list[t.CodeAction]:
    """A quick fix for every did-you-mean and every missing required rule field."""
    actions: list[t.CodeAction] = []
    for diagnostic in diagnostics:
        data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
        if data.get("suggestion"):
            edit = _replace_misspelt(
                text, diagnostic.range, diagnostic.message, str(data["suggestion"])
            )
            title = f"Change to '{data['suggestion']}'"
        elif (missing := MISSING.search(diagnostic.message)) is not None:
            edit = _add_field(text, diagnostic.range, missing.group(1))
            title = f"Add '{missing.group(1)}'"
        else:
            continue
        if edit is not None:
            actions.append(
                t.CodeAction(
                    title=title,
                    kind=t.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    edit=t.WorkspaceEdit(changes={uri: [edit]}),
                    is_preferred=True,
                )
            )
    return actions


def _replace_misspelt(
    text: str, where: t.Range, message: str, suggestion: str
) -> t.TextEdit | None:
    """Replace the misspelt word (quoted in the message, written at or after the start of
    the diagnostic's range) by the suggestion."""
    lines = text.split("\n")
    if where.start.line >= len(lines):
        return None
    line = lines[where.start.line]
    quoted = [q for q in re.findall(r"'([^']+)'", message) if q != suggestion]
    for word in sorted(quoted, key=lambda q: -difflib.SequenceMatcher(None, q, suggestion).ratio()):
        pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")
        match = pattern.search(line, where.start.character) or pattern.search(line)
        if match is not None:
            return t.TextEdit(
                t.Range(
                    t.Position(where.start.line, match.start()),
                    t.Position(where.start.line, match.end()),
                ),
                suggestion,
            )
    return None


def _add_field(text: str, where: t.Range, key: str) -> t.TextEdit | None:
    """Insert ``key: `` before the closing brace of the rule starting at ``where``."""
    lines = text.split("\n")
    for number in range(where.start.line, len(lines)):
        if lines[number].strip() == "}":
            return t.TextEdit(
                t.Range(t.Position(number, 0), t.Position(number, 0)), f"    {key}: \n"
            )
    return None


# ---------------------------------------------------------------- navigation


def symbols(text: str) -> list[t.DocumentSymbol]:
    """The consts, predicates and rules of a rules file, by their written names."""
    kinds = {
        "const": t.SymbolKind.Constant,
        "predicate": t.SymbolKind.Function,
        "rule": t.SymbolKind.Class,
    }
    found: list[t.DocumentSymbol] = []
    for match in DEFINITION.finditer(text):
        line = text.count("\n", 0, match.start(2))
        column = match.start(2) - (text.rfind("\n", 0, match.start(2)) + 1)
        name_range = t.Range(
            t.Position(line, column), t.Position(line, column + len(match.group(2)))
        )
        found.append(
            t.DocumentSymbol(
                name=match.group(2),
                kind=kinds[match.group(1)],
                range=name_range,
                selection_range=name_range,
                detail=match.group(1),
            )
        )
    return found


def folding(text: str) -> list[t.FoldingRange]:
    """Each rule block folds; so does each run of comment lines."""
    ranges: list[t.FoldingRange] = []
    lines = text.split("\n")
    for match in RULE_START.finditer(text):
        start = text.count("\n", 0, match.start())
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("}")), None)
        if end is not None:
            ranges.append(t.FoldingRange(start_line=start, end_line=end))
    run: int | None = None
    for number, line in enumerate([*lines, ""]):
        if line.lstrip().startswith("#"):
            run = number if run is None else run
        else:
            if run is not None and number - 1 > run:
                ranges.append(
                    t.FoldingRange(
                        start_line=run, end_line=number - 1, kind=t.FoldingRangeKind.Comment
                    )
                )
            run = None
    return ranges


def definition(project: Project, path: str, word: str) -> list[t.Location]:
    """Where the const, predicate or rule ``word`` is defined, across ``extends``."""
    pack = project.checked_for(path)
    if pack is None or not word:
        return []
    return [
        _location(file, node.span) for node, file in definitions(pack) if _name_of(node) == word
    ]


def references(project: Project, path: str, word: str) -> list[t.Location]:
    """Every use of ``word`` as a whole word, outside strings and comments, in the files of
    the pack's lineage and of the packs extending it (``pack.yaml`` included)."""
    pack = project.checked_for(path)
    if pack is None or not word:
        return []
    files: set[str] = set()
    for state in project.packs.values():
        if state.checked is not None and (
            state.root in {str(p.root.resolve()) for p in pack.loaded.lineage()}
            or any(str(p.root.resolve()) in state.lineage for p in pack.loaded.lineage())
        ):
            files.update(file for _, file in definitions(state.checked))
            files.update(
                str(p.root.resolve() / "pack.yaml") for p in state.checked.loaded.lineage()
            )
    locations: list[t.Location] = []
    pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")
    for file in sorted(files):
        text = project.texts.get(file) or _read(file)
        for number, line in enumerate(text.split("\n")):
            code = _code_part(line)
            for match in pattern.finditer(code):
                locations.append(
                    t.Location(
                        _uri(file),
                        t.Range(t.Position(number, match.start()), t.Position(number, match.end())),
                    )
                )
    return locations


def _code_part(line: str) -> str:
    """The line with strings blanked and comments cut (so columns stay where they were)."""
    out, quote = [], ""
    for ch in line:
        if quote:
            out.append(" ")
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
            out.append(" ")
        elif ch == "#":
            break
        else:
            out.append(ch)
    return "".join(out)


def _read(file: str) -> str:
    try:
        with open(file, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return ""


def _uri(file: str) -> str:
    from pathlib import Path

    return Path(file).as_uri()


def _location(file: str, span: Span) -> t.Location:
    line, column = max(span.line - 1, 0), max(span.column - 1, 0)
    return t.Location(_uri(file), t.Range(t.Position(line, column), t.Position(line, column)))


def _name_of(node: syntax.Definition) -> str:
    return node.rule_id if isinstance(node, syntax.RuleDef) else node.name


# ---------------------------------------------------------------- hover


def hover(project: Project, path: str, cursor: Cursor, kind: str) -> str | None:
    """Markdown for the thing under the cursor."""
    if kind == "declaration":
        return _declaration_hover(project, cursor)
    pack = project.checked_for(path)
    if pack is None:
        return None
    word = cursor.word()
    rule = pack.rule(word)
    if rule is not None:
        return _rule_hover(pack, rule, project.lang)
    if word in pack.predicates and word not in cursor.bindings():
        words = api.requirement_words(pack.predicates[word], pack.consts, project.lang)
        return f"**predicate** `{word}`\n\n```\n{_source_of(pack, word)}\n```\n\n{words}"
    if word in pack.consts and word not in cursor.bindings():
        return f"**const** `{word}` = `{pack.consts[word]!r}`"
    keys = cursor.path()
    node = _schema_node(pack.schema.root, keys)
    return _field_words(".".join(keys).replace(".[]", "[]"), node) if node is not None else None


def _rule_hover(pack: CheckedPack, rule: Rule, lang: str) -> str:
    title = rule.title.get(lang) or rule.title.get("en", "")
    requirement = api.requirement_words(rule.require, pack.consts, lang)
    condition = (
        f"\n\nwhen: {api.requirement_words(rule.when, pack.consts, lang)}" if rule.when else ""
    )
    cite = "; ".join(rule.cite)
    return (
        f"**{rule.id}** ({rule.severity}, {rule.domain}): {title}\n\n"
        f"cite: {cite}\n\nrequires: {requirement}{condition}"
    )


def _source_of(pack: CheckedPack, name: str) -> str:
    for node, _file in definitions(pack):
        if isinstance(node, syntax.Predicate) and node.name == name:
            return f"predicate {name} = {api.print_expression(node.body)}"
    return name


def _schema_node(root: SchemaNode, keys: list[str]) -> SchemaNode | None:
    node: SchemaNode | None = root
    for key in keys:
        if node is None:
            return None
        node = node.items if key == "[]" else node.child(key)
    return node


def _field_words(path: str, node: SchemaNode) -> str:
    values = api.schema_value_words(node)
    parts = [f"**{path}**: {node.kind}"]
    if node.description:
        parts.append(node.description)
    if values:
        parts.append(f"takes {values}")
    return "\n\n".join(parts)


def _declaration_hover(project: Project, cursor: Cursor) -> str | None:
    keys = yaml_path(cursor.text, cursor.line)
    if not keys:
        return None
    schema = api.declaration_schema()
    node = _schema_node(schema.root, keys)
    written = ".".join(keys).replace(".[]", "[]")
    parts = [_field_words(written, node)] if node is not None else []
    for pack in project.known_packs():
        readers = api.fields_read(pack).get(written)
        if readers:
            parts.append(f"read by {pack.id}: {', '.join(sorted(readers))}")
    return "\n\n".join(parts) or None


# ---------------------------------------------------------------- completion


def completion(project: Project, path: str, cursor: Cursor) -> list[t.CompletionItem]:
    """What may be written at the cursor."""
    pack = project.checked_for(path)
    if pack is None:
        return []
    before = cursor.before
    if re.search(r"\b(after|overrides|disable)\b", before) or path.endswith("pack.yaml"):
        return [
            _item(r.id, t.CompletionItemKind.Reference, _title(r, project.lang)) for r in pack.rules
        ]
    enum = re.search(r"([\w.\[\]]+)\s*(?:==|!=|in|not in)\s*\[?\s*\"?[\w-]*$", before)
    if enum:
        node = _schema_node(pack.schema.root, cursor.expand(enum.group(1)))
        if node is not None:
            node = node.items if node.kind == "array" and node.items else node
            if node.enum:
                return [_item(str(v), t.CompletionItemKind.EnumMember, "") for v in node.enum]
    dotted = re.search(r"([\w.\[\]\"]+)\.\w*$", before)
    if dotted:
        node = _schema_node(pack.schema.root, cursor.expand(dotted.group(1)))
        node = node.items if node is not None and node.kind == "array" else node
        if node is None:
            return []
        return [
            _item(key, t.CompletionItemKind.Field, child.description)
            for key, child in node.properties.items()
        ]
    items = [
        _item(key, t.CompletionItemKind.Field, child.description)
        for key, child in pack.schema.root.properties.items()
    ]
    items += [
        _item(name, t.CompletionItemKind.Constant, repr(v)) for name, v in pack.consts.items()
    ]
    items += [_item(name, t.CompletionItemKind.Function, "predicate") for name in pack.predicates]
    items += [
        _item(name, t.CompletionItemKind.Variable, f"in {c}")
        for name, c in cursor.bindings().items()
    ]
    if cursor.enclosing_rule() and re.fullmatch(r"\s*\w*", before):
        items += [_item(f, t.CompletionItemKind.Property, "rule field") for f in RULE_FIELDS]
    return items


def _item(label: str, kind: t.CompletionItemKind, detail: str) -> t.CompletionItem:
    return t.CompletionItem(label=label, kind=kind, detail=detail[:200] or None)


def _title(rule: Rule, lang: str) -> str:
    return str(rule.title.get(lang) or rule.title.get("en", ""))


# ---------------------------------------------------------------- formatting


def formatting(text: str, path: str) -> list[t.TextEdit]:
    """``packs fmt`` of the document, as one edit (none when it does not parse)."""
    try:
        formatted = api.format_rules(text, path)
    except api.LicenseCheckError:
        return []
    if formatted == text:
        return []
    lines = text.split("\n")
    end = t.Position(len(lines) - 1, len(lines[-1]))
    return [t.TextEdit(t.Range(t.Position(0, 0), end), formatted)]


# ---------------------------------------------------------------- code lenses


def lenses(project: Project, path: str, text: str) -> list[t.CodeLens]:
    """On each rule: its status on the configured declaration, and a witness."""
    if project.declaration is None:
        return []
    pack = project.checked_for(path)
    if pack is None:
        return []
    try:
        with project.lock, api.unsaved_texts(dict(project.texts)):
            assessment = api.assess(project.declaration, pack, lang=project.lang)
    except api.LicenseCheckError as exc:
        first = exc.diagnostics[0].message if exc.diagnostics else "cannot evaluate"
        return [_lens(0, f"evaluate against {project.declaration}: {first}")]
    found: list[t.CodeLens] = []
    name = project.declaration.rsplit("/", 1)[-1]
    for match in RULE_START.finditer(text):
        finding = assessment.finding(match.group(1))
        if finding is None:
            continue
        witness = finding.witnesses[0] if finding.witnesses else None
        shown = f" — {witness.path} = {witness.actual}" if witness else ""
        found.append(_lens(text.count("\n", 0, match.start()), f"{name}: {finding.status}{shown}"))
    return found


def _lens(line: int, title: str) -> t.CodeLens:
    return t.CodeLens(
        range=t.Range(t.Position(line, 0), t.Position(line, 0)),
        command=t.Command(title=title, command=""),
    )
