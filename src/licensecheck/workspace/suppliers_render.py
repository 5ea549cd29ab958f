"""Render a supply graph: text (an indented tree), JSON, and HTML with the graph as an SVG picture.

Input: a :class:`~.suppliers.SupplyGraph` and, optionally, the firm to start from. Output: text.
The SVG is drawn on the server (no scripts): nodes coloured by readiness, layered by depth
(a firm's customers above it, its suppliers below), ordered within a layer by where their
customers stand, so the same graph always gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from .. import codes
from ..errors import Diagnostic, Span, UsageError, printable
from ..reports.charts import STATUS_COLOURS, shorten
from ..reports.templates import render_template
from ..sources.paths import format_path
from .identity import normalise_identifier
from .names import normalise_name
from .suppliers import Contradiction, FirmNode, Party, SupplyGraph, WatchlistHit

__all__ = ["graph_data", "render_suppliers", "supply_svg"]

INDENT = "    "


def render_suppliers(graph: SupplyGraph, fmt: str = "text", *, root: str | None = None) -> str:
    """The graph as ``text``, ``json`` or ``html``; ``root`` (a firm key) starts the tree there."""
    context = _context(graph)
    if fmt == "json":
        return json.dumps(graph_data(graph, root), indent=2, ensure_ascii=False) + "\n"
    if fmt == "html":
        return render_template(
            "suppliers.html.j2",
            {
                "graph": graph_data(graph, root),
                "context": context,
                "svg": supply_svg(graph, root),
                "lang": "en",
            },
            markdown=False,
        )
    if fmt == "text":
        return _text(graph, root, context)
    raise UsageError(
        Diagnostic(
            codes.USAGE, f"unknown format '{fmt}' for a supply graph; use text, json or html"
        )
    )


def _context(graph: SupplyGraph) -> str:
    """What the readiness shown was assessed under: ``pack starter 0.2.0, as of 2026-06-30``."""
    parts = [f"pack {graph.pack}" if graph.pack else ""]
    parts.append(f"as of {graph.as_of.isoformat()}" if graph.as_of else "")
    return ", ".join(p for p in parts if p)


# ------------------------------------------------------------------------------------- text


def _readiness(node: FirmNode | None) -> str:
    if node is None:
        return "not assessed (no declaration in the set)"
    firm = node.firm
    return f"{'ready' if firm.ready else 'not ready'}, score {firm.score}"


def _text(graph: SupplyGraph, root: str | None, context: str) -> str:
    tree: list[str] = []
    expanded: set[str] = set()
    for key in _roots(graph, root):
        if key not in expanded:
            _tree(graph, graph.node(key), 0, expanded, (), tree)
    if root is None:  # firms only reachable through a loop of supplies
        for node in graph.nodes:
            if node.firm.key not in expanded:
                _tree(graph, node, 0, expanded, (), tree)
    # from one firm: the findings about the firms its tree shows
    contradictions = [
        c for c in graph.contradictions if root is None or {c.claimant, c.party} & expanded
    ]
    hits = [h for h in graph.hits if root is None or h.firm in expanded]
    lines = [_headline(len(expanded), len(contradictions), len(hits), context), "", *tree]
    lines += _contradiction_lines(contradictions)
    lines += _hit_lines(hits)
    if not graph.has_licence_rules:
        lines += ["", "note: the pack has no licence rules; licence claims were not cross-checked"]
    # names and reasons come from the files: no control character may reach the terminal
    return "\n".join(printable(line) for line in lines) + "\n"


def _headline(firms: int, contradictions: int, hits: int, context: str) -> str:
    return (
        f"Supply graph{f' ({context})' if context else ''}: {firms} firm{'s' * (firms != 1)}, "
        f"{contradictions} contradiction{'s' * (contradictions != 1)}, "
        f"{hits} watchlist hit{'s' * (hits != 1)}"
    )


def _roots(graph: SupplyGraph, root: str | None) -> list[str]:
    """Where the tree starts: the chosen firm, else the firms no firm of the set buys from."""
    if root is not None:
        return [root]
    supplied = {p.firm for n in graph.nodes for p in n.suppliers if p.firm != n.firm.key}
    return [n.firm.key for n in graph.nodes if n.firm.key not in supplied]


def _tree(
    graph: SupplyGraph,
    node: FirmNode,
    depth: int,
    expanded: set[str],
    path: tuple[str, ...],
    lines: list[str],
) -> None:
    firm = node.firm
    pad = INDENT * depth
    if depth == 0:
        lines.append(f"{firm.name}  {_readiness(node)}  {firm.declaration.source}")
        lines += [f"{pad}{INDENT}! {m.describe()}" for m in node.watchlist]
    expanded.add(firm.key)
    for party in node.suppliers:
        lines.append(f"{pad}{INDENT}{_party_line(graph, party)}")
        lines += [f"{pad}{INDENT * 2}! {flag}" for flag in _flags(graph, party)]
        target = graph.node(party.firm) if party.firm else None
        if target is None or party.firm in (*path, firm.key):
            continue
        if party.firm in expanded:
            lines.append(f"{pad}{INDENT * 2}(its suppliers are shown above)")
            continue
        _tree(graph, target, depth + 2, expanded, (*path, firm.key), lines)
    if depth > 0:  # below the top, the tree follows supplies only
        return
    for party in node.recipients:
        lines.append(f"{pad}{INDENT}{_party_line(graph, party)}")
        lines += [f"{pad}{INDENT * 2}! {flag}" for flag in _flags(graph, party)]


def _party_line(graph: SupplyGraph, party: Party) -> str:
    node = graph.node(party.firm) if party.firm else None
    how = {"registration_id": "by registration id", "name": "by name", None: ""}[party.resolved_by]
    found = f" [{how}: {node.firm.declaration.source}]" if node else ""
    return f"{party.role:<9} {party.label}  {_readiness(node)}{found}  ({party.where.format()})"


def _flags(graph: SupplyGraph, party: Party) -> list[str]:
    flags = [c.message for c in graph.contradictions if _concerns(c, party)]
    flags += [m.describe() for m in party.watchlist]
    node = graph.node(party.firm) if party.firm else None
    if party.role == "supplier" and node is not None and node.firm.licence_unknowns:
        flags.append(f"licence rules not yet decided: {', '.join(node.firm.licence_unknowns)}")
    return flags


def _concerns(contradiction: Contradiction, party: Party) -> bool:
    """Whether ``contradiction`` is about a claim in ``party``'s entry."""
    return contradiction.claimant == party.declared_by and contradiction.claim.startswith(
        format_path(party.path) + "."
    )


def _contradiction_lines(contradictions: Sequence[Contradiction]) -> list[str]:
    if not contradictions:
        return []
    lines = ["", f"Contradictions ({len(contradictions)})"]
    for c in contradictions:
        lines += [
            f"  {c.kind}: {c.message}",
            f"    claimed at  {c.claim_at.format()}  {c.claim}",
            f"    against     {c.evidence_at.format()}  {c.evidence}",
        ]
    return lines


def _hit_lines(hits: Sequence[WatchlistHit]) -> list[str]:
    if not hits:
        return []
    lines = ["", f"Watchlist hits ({len(hits)})"]
    for hit in hits:
        entry = hit.match.entry
        origin = f" [{entry.origin.format()}]" if entry.origin else ""
        lines.append(
            f"  {hit.subject} {hit.name} ({hit.where.format()}): {hit.match.describe()}{origin}"
        )
        if entry.reason:
            lines.append(f"    reason: {entry.reason}")
    return lines


# ------------------------------------------------------------------------------------- JSON


def _span(span: Span | None) -> str | None:
    return span.format() if span else None


def graph_data(graph: SupplyGraph, root: str | None = None) -> dict[str, Any]:
    """The graph as plain JSON values (the ``--format json`` output and the HTML's context)."""
    return {
        "pack": graph.pack,
        "as_of": graph.as_of.isoformat() if graph.as_of else None,
        "root": root,
        "summary": {
            "firms": len(graph.nodes),
            "contradictions": len(graph.contradictions),
            "watchlist_hits": len(graph.hits),
            "licence_rules_checked": graph.has_licence_rules,
        },
        "firms": [_firm_data(node) for node in graph.nodes],
        "contradictions": [
            {
                "kind": c.kind,
                "message": c.message,
                "claimant": c.claimant,
                "claim": c.claim,
                "claim_at": c.claim_at.format(),
                "party": c.party,
                "evidence": c.evidence,
                "evidence_at": c.evidence_at.format(),
            }
            for c in graph.contradictions
        ],
        "watchlist_hits": [
            {
                "subject": hit.subject,
                "name": hit.name,
                "firm": hit.firm,
                "at": hit.where.format(),
                "how": hit.match.how,
                "matched": hit.match.matched,
                "entry": hit.match.entry.as_row(),
            }
            for hit in graph.hits
        ],
    }


def _firm_data(node: FirmNode) -> dict[str, Any]:
    firm = node.firm
    return {
        "key": firm.key,
        "name": firm.name,
        "declaration": firm.declaration.source,
        "ready": firm.ready,
        "score": firm.score,
        "licence_failures": list(firm.licence_failures),
        "licence_unknowns": list(firm.licence_unknowns),
        "watchlist": [m.entry.name for m in node.watchlist],
        "suppliers": [_party_data(p) for p in node.suppliers],
        "recipients": [_party_data(p) for p in node.recipients],
    }


def _party_data(party: Party) -> dict[str, Any]:
    return {
        "name": party.name,
        "registration_id": party.registration_id,
        "at": party.where.format(),
        "path": format_path(party.path),
        "licensed": party.licensed,
        "contract_signed": party.contract_signed,
        "firm": party.firm,
        "resolved_by": party.resolved_by,
        "watchlist": [m.entry.name for m in party.watchlist],
    }


# -------------------------------------------------------------------------------------- SVG

BOX_WIDTH, BOX_HEIGHT, GAP_X, GAP_Y, ROW_GAP, MARGIN = 172, 46, 16, 56, 18, 16
PER_ROW = 4  # boxes in a row: the picture stays readable on an A4 page
LEGEND_HEIGHT = 40
FILLS = {"ready": "#dcfce7", "not_ready": "#fee2e2", "unassessed": "#f3f4f6"}
STROKES = {
    "ready": STATUS_COLOURS["pass"],
    "not_ready": STATUS_COLOURS["fail"],
    "unassessed": STATUS_COLOURS["not_applicable"],
}
WATCHLIST_COLOUR = "#111827"
CONTRADICTION_COLOUR = "#dc2626"


@dataclass
class _Box:
    key: str
    label: str
    state: str  # ready, not_ready or unassessed
    detail: str
    flagged: bool
    x: int = 0
    y: int = 0


@dataclass(frozen=True)
class _Edge:
    supplier: str  # data flows from the supplier ...
    customer: str  # ... to the customer
    contradicted: bool


def supply_svg(graph: SupplyGraph, root: str | None = None) -> Markup:
    """The graph as one self-contained ``<svg>``; with ``root``, only what it reaches."""
    boxes, edges = _picture(graph)
    if root is not None:
        boxes, edges = _reachable(root, boxes, edges)
    _layout(boxes, edges)
    width = max([b.x + BOX_WIDTH for b in boxes.values()] + [560]) + MARGIN
    height = max([b.y + BOX_HEIGHT for b in boxes.values()] + [0]) + MARGIN + LEGEND_HEIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart supply-graph" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        "<title>Supply graph: data flows from each supplier up to its customers</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'fill="#4b5563"/></marker></defs>',
    ]
    parts += [_edge_svg(e, boxes) for e in edges]
    parts += [_box_svg(b) for b in sorted(boxes.values(), key=lambda b: (b.y, b.x))]
    parts.append(_legend_svg(height - LEGEND_HEIGHT + 14))
    parts.append("</svg>")
    return Markup("".join(parts))


def _picture(graph: SupplyGraph) -> tuple[dict[str, _Box], list[_Edge]]:
    """A box per firm and per party outside the set, an edge per supply."""
    boxes: dict[str, _Box] = {}
    for node in graph.nodes:
        firm = node.firm
        state = "ready" if firm.ready else "not_ready"
        detail = f"{'ready' if firm.ready else 'not ready'} · {firm.score}"
        boxes[firm.key] = _Box(firm.key, firm.name, state, detail, bool(node.watchlist))
    contradicted = {(c.claimant, c.party) for c in graph.contradictions}
    edges: set[_Edge] = set()
    for node in graph.nodes:
        for party in (*node.suppliers, *node.recipients):
            key = party.firm or _outside_key(party)
            if key not in boxes:
                boxes[key] = _Box(key, party.label, "unassessed", "not assessed", False)
            boxes[key].flagged |= bool(party.watchlist)
            own = node.firm.key
            flag = (own, key) in contradicted
            if party.role == "supplier":
                edges.add(_Edge(key, own, flag))
            else:
                edges.add(_Edge(own, key, flag))
    return boxes, sorted(edges, key=lambda e: (e.supplier, e.customer))


def _outside_key(party: Party) -> str:
    if party.registration_id:
        return "id:" + normalise_identifier(party.registration_id)
    return "name:" + normalise_name(party.label)


def _reachable(
    root: str, boxes: dict[str, _Box], edges: list[_Edge]
) -> tuple[dict[str, _Box], list[_Edge]]:
    """The root, the suppliers it depends on (at any depth) and its direct customers."""
    keep, todo = {root}, [root]
    while todo:
        key = todo.pop()
        for edge in edges:
            if edge.customer == key and edge.supplier not in keep:
                keep.add(edge.supplier)
                todo.append(edge.supplier)
    keep |= {e.customer for e in edges if e.supplier == root}
    kept = [e for e in edges if e.supplier in keep and e.customer in keep]
    return {k: b for k, b in boxes.items() if k in keep}, kept


def _layout(boxes: dict[str, _Box], edges: list[_Edge]) -> None:
    """Layers by depth from the firms nobody buys from; in a layer, by the mean place of the
    box's customers, then by label."""
    suppliers: dict[str, list[str]] = {k: [] for k in boxes}
    has_customer: set[str] = set()
    for edge in edges:
        suppliers[edge.customer].append(edge.supplier)
        has_customer.add(edge.supplier)
    depth: dict[str, int] = {}
    order = sorted(boxes, key=lambda k: (boxes[k].label, k))
    starts = [k for k in order if k not in has_customer]
    while len(depth) < len(boxes):
        # a loop of supplies has no top: it starts from its first box not placed yet
        frontier = starts or [next(k for k in order if k not in depth)]
        starts = []
        depth.update(dict.fromkeys(frontier, 0))
        while frontier:
            following: list[str] = []
            for key in frontier:
                for supplier in sorted(suppliers[key]):
                    if supplier not in depth:
                        depth[supplier] = depth[key] + 1
                        following.append(supplier)
            frontier = following
    _place(boxes, edges, depth)


def _place(boxes: dict[str, _Box], edges: list[_Edge], depth: dict[str, int]) -> None:
    """Each layer in rows of at most :data:`PER_ROW` boxes, centred; layers one below another."""
    layers: dict[int, list[str]] = {}
    for key in sorted(depth, key=lambda k: (boxes[k].label, k)):
        layers.setdefault(depth[key], []).append(key)
    widest = min(max((len(keys) for keys in layers.values()), default=0), PER_ROW)
    full = widest * BOX_WIDTH + max(widest - 1, 0) * GAP_X
    slot: dict[str, float] = {}
    y = MARGIN
    for level in sorted(layers):
        keys = sorted(
            layers[level], key=lambda k: (_mean_customer(k, edges, slot), boxes[k].label, k)
        )
        for start in range(0, len(keys), PER_ROW):
            row = keys[start : start + PER_ROW]
            left = MARGIN + (full - len(row) * BOX_WIDTH - (len(row) - 1) * GAP_X) // 2
            for i, key in enumerate(row):
                boxes[key].x, boxes[key].y = left + i * (BOX_WIDTH + GAP_X), y
                slot[key] = start + i
            y += BOX_HEIGHT + ROW_GAP
        y += GAP_Y - ROW_GAP


def _mean_customer(key: str, edges: list[_Edge], slot: dict[str, float]) -> float:
    """The mean place of the box's customers already placed (boxes without come last)."""
    places = [slot[e.customer] for e in edges if e.supplier == key and e.customer in slot]
    return sum(places) / len(places) if places else float("inf")


def _edge_svg(edge: _Edge, boxes: dict[str, _Box]) -> str:
    source, target = boxes[edge.supplier], boxes[edge.customer]
    x1, x2 = source.x + BOX_WIDTH // 2, target.x + BOX_WIDTH // 2
    if source.y > target.y:
        y1, y2 = source.y, target.y + BOX_HEIGHT
    elif source.y < target.y:
        y1, y2 = source.y + BOX_HEIGHT, target.y
    else:
        y1 = y2 = source.y + BOX_HEIGHT // 2
        x1, x2 = (
            (source.x + BOX_WIDTH, target.x)
            if source.x < target.x
            else (source.x, target.x + BOX_WIDTH)
        )
    style = (
        f'stroke="{CONTRADICTION_COLOUR}" stroke-width="2" stroke-dasharray="6 3"'
        if edge.contradicted
        else 'stroke="#4b5563" stroke-width="1.2"'
    )
    title = f"{source.label} supplies {target.label}" + (
        " (contradiction)" if edge.contradicted else ""
    )
    return (
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" {style} marker-end="url(#arrow)">'
        f"<title>{escape(title)}</title></line>"
    )


def _box_svg(box: _Box) -> str:
    stroke, width = (WATCHLIST_COLOUR, 3) if box.flagged else (STROKES[box.state], 1.5)
    flag = " · ⚑ watchlist" if box.flagged else ""
    return (
        f'<g class="node {box.state}{" flagged" if box.flagged else ""}">'
        f"<title>{escape(box.label)}</title>"
        f'<rect x="{box.x}" y="{box.y}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="4" '
        f'fill="{FILLS[box.state]}" stroke="{stroke}" stroke-width="{width}"/>'
        f'<text x="{box.x + 8}" y="{box.y + 18}" font-size="11" font-weight="600" '
        f'fill="#111827">{escape(shorten(box.label, 28))}</text>'
        f'<text x="{box.x + 8}" y="{box.y + 35}" font-size="10" fill="{STROKES[box.state]}">'
        f"{escape(box.detail + flag)}</text></g>"
    )


def _legend_svg(y: int) -> str:
    items = [
        (FILLS["ready"], STROKES["ready"], "ready"),
        (FILLS["not_ready"], STROKES["not_ready"], "not ready"),
        (FILLS["unassessed"], STROKES["unassessed"], "not assessed"),
        ("#ffffff", WATCHLIST_COLOUR, "on a watchlist (thick border)"),
    ]
    parts, x = ['<g class="legend">'], MARGIN
    for fill, stroke, text in items:
        parts.append(
            f'<rect x="{x}" y="{y - 9}" width="14" height="10" fill="{fill}" stroke="{stroke}"/>'
            f'<text x="{x + 18}" y="{y}" font-size="9" fill="#374151">{escape(text)}</text>'
        )
        x += 30 + 5 * len(text)
    parts.append(
        f'<line x1="{x}" y1="{y - 4}" x2="{x + 24}" y2="{y - 4}" stroke="{CONTRADICTION_COLOUR}" '
        f'stroke-width="2" stroke-dasharray="6 3"/>'
        f'<text x="{x + 28}" y="{y}" font-size="9" fill="#374151">contradiction</text></g>'
    )
    return "".join(parts)
