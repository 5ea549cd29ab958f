"""The supply graph: parties resolved to firms, contradictions citing both declarations,
watchlist hits, the suppliers command and its SVG picture."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from helpers.cli import run
from helpers.paths import REPO
from licensecheck.workspace.suppliers import (
    assess_firms,
    build_supply_graph,
    declaration_from_text,
    firm_from_statuses,
)
from licensecheck.workspace.suppliers_render import render_suppliers, supply_svg
from licensecheck.workspace.watchlist import load_watchlist

AS_OF = dt.date(2026, 6, 30)
EXAMPLES = REPO / "docs" / "suppliers"
SVG = "{http://www.w3.org/2000/svg}"

LENDER = """\
schema_version: 1
company:
  name: Huaan Consumer Finance Co., Ltd.
  registration_id: LENDER-1
data_sources:
  - id: ds-1
    kind: purchased
    supplier:
      name: Qingshan Data Technology Co., Ltd.
      licensed: true
      contract_signed: true
"""
# Provides personal credit information on individuals without a licence and with too little
# capital: the starter pack's ST-LIC-002 fails on company.registered_capital_cny (line 5).
SUPPLIER = """\
schema_version: 1
company:
  name: Qingshan Data Technology Co., Ltd.
  name_zh: 青山数据科技有限公司
  registered_capital_cny: 20_000_000
business_lines:
  - id: bl-1
    kind: credit_scoring
    subject_type: individual
    provides_credit_information: true
recipients:
  - id: r-1
    name: Huaan Consumer Finance Co., Ltd.
    registration_id: LENDER-1
"""


def _folder(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "firms"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def _graph(folder: Path, watchlist: Path | None = None, pack: str = "starter"):  # type: ignore[no-untyped-def]
    firms = assess_firms([folder], pack, as_of=AS_OF)
    return build_supply_graph(firms, load_watchlist(watchlist) if watchlist else None)


def test_a_licence_claim_against_the_suppliers_own_failing_assessment_cites_both_files(
    tmp_path: Path,
) -> None:
    folder = _folder(tmp_path, lender=LENDER, supplier=SUPPLIER)
    graph = _graph(folder)
    lender, supplier = folder / "lender.yaml", folder / "supplier.yaml"
    found = [
        (c.kind, c.claim_at.format(), c.claim, c.evidence_at.format()) for c in graph.contradictions
    ]
    assert found == [
        (
            "licensed",
            f"{lender}:10:7",
            "data_sources[0].supplier.licensed: true",
            f"{supplier}:5:3",
        ),
        (
            "contract_signed",
            f"{lender}:11:7",
            "data_sources[0].supplier.contract_signed: true",
            f"{supplier}:5:3",
        ),
    ]
    assert "ST-LIC-002 (company.registered_capital_cny)" in graph.contradictions[0].evidence


def test_no_contradiction_when_the_claim_is_not_made_or_the_supplier_passes(tmp_path: Path) -> None:
    modest = LENDER.replace("licensed: true", "licensed: false").replace(
        "contract_signed: true", "contract_signed: false"
    )
    assert _graph(_folder(tmp_path, lender=modest, supplier=SUPPLIER)).contradictions == ()
    capitalised = SUPPLIER.replace("20_000_000", "80_000_000")
    licensed = capitalised.replace(
        "  registered_capital_cny: 80_000_000\n",
        "  registered_capital_cny: 80_000_000\n  licenses:\n    - id: l-1\n"
        "      kind: personal_credit_reporting\n      valid_until: 2030-01-01\n",
    )
    graph = _graph(_folder(tmp_path, lender=LENDER, supplier=licensed))
    assert graph.contradictions == ()
    assert graph.node(graph.nodes[1].firm.key).firm.licence_failures == ()


def test_a_signed_contract_with_a_supplier_that_lists_other_recipients_only_is_a_contradiction(
    tmp_path: Path,
) -> None:
    licensed = SUPPLIER.replace("20_000_000", "80_000_000").replace(
        "provides_credit_information: true", "provides_credit_information: false"
    )
    other = licensed.replace("Huaan Consumer Finance Co., Ltd.", "Another Bank").replace(
        "LENDER-1", "BANK-2"
    )
    folder = _folder(tmp_path, lender=LENDER, supplier=other)
    [contradiction] = _graph(folder).contradictions
    assert contradiction.kind == "not_a_recipient"
    assert contradiction.claim_at.format() == f"{folder / 'lender.yaml'}:11:7"
    assert contradiction.evidence_at.format() == f"{folder / 'supplier.yaml'}:11:1"
    silent = licensed.split("recipients:")[0]
    assert _graph(_folder(tmp_path, lender=LENDER, supplier=silent)).contradictions == ()


def test_parties_resolve_by_registration_id_then_by_a_unique_name(tmp_path: Path) -> None:
    by_zh_name = LENDER.replace("Qingshan Data Technology Co., Ltd.", "青山数据科技 有限公司")
    graph = _graph(_folder(tmp_path, lender=by_zh_name, supplier=SUPPLIER))
    lender = graph.nodes[0]
    assert lender.firm.name == "Huaan Consumer Finance Co., Ltd."
    [party] = lender.suppliers
    assert (party.firm, party.resolved_by) == ("name:qingshan data technology", "name")
    [back] = graph.nodes[1].recipients
    assert (back.firm, back.resolved_by) == ("LENDER-1", "registration_id")
    twin = SUPPLIER.replace("name_zh: 青山数据科技有限公司", "registration_id: TWIN-2")
    graph = _graph(_folder(tmp_path, lender=LENDER, supplier=SUPPLIER, twin=twin))
    assert graph.nodes[0].suppliers[0].firm is None  # two firms have that name: not guessed


def test_the_example_lender_screening_ten_suppliers() -> None:
    graph = _graph(EXAMPLES, EXAMPLES / "watchlist.csv")
    assert len(graph.nodes) == 11
    lender = graph.find("91330100MA2HUAAN0X")
    assert lender is not None and len(lender.suppliers) == 10
    assert all(p.firm is not None for p in lender.suppliers)
    assert [(c.kind, c.party) for c in graph.contradictions] == [
        ("licensed", "91440300MA5QSDT02K"),
        ("contract_signed", "91440300MA5QSDT02K"),
        ("not_a_recipient", "91310000MA1XHIS03P"),
    ]
    hits = sorted((h.subject, h.match.how, h.match.entry.name) for h in graph.hits)
    assert hits == [
        ("firm", "name", "Sunrise Data Company Limited"),
        ("firm", "registration_id", "Tianlang Information Co., Ltd."),
        ("supplier", "alias", "Hongtu Data Technology Co.,Ltd."),
        ("supplier", "name", "Sunrise Data Company Limited"),
        ("supplier", "registration_id", "Tianlang Information Co., Ltd."),
    ]


def test_the_suppliers_command_prints_the_tree_and_exits_1_on_findings() -> None:
    status, out, err = run(
        "suppliers",
        "--pack",
        "starter",
        "91330100MA2HUAAN0X",
        EXAMPLES,
        "--watchlist",
        EXAMPLES / "watchlist.csv",
        "--as-of",
        "2026-06-30",
    )
    assert (status, err) == (1, "")
    lines = out.splitlines()
    assert lines[0] == (
        "Supply graph (pack starter 0.2.0, as of 2026-06-30): 11 firms, 3 contradictions, "
        "5 watchlist hits"
    )
    assert lines[2].startswith("Huaan Consumer Finance Co., Ltd.  not ready, score 18")
    assert sum(line.startswith("    supplier  ") for line in lines) == 10
    assert "    supplier  Hongtu Big Data  not ready, score 14 [by registration id:" in out
    assert "        ! on the watchlist as 'Hongtu Data Technology Co.,Ltd.' (alias" in out


def test_a_clean_set_exits_0_and_an_unknown_firm_exits_2(tmp_path: Path) -> None:
    modest = LENDER.replace("licensed: true", "licensed: false")
    folder = _folder(
        tmp_path,
        lender=modest.replace("contract_signed: true", "contract_signed: false"),
        supplier=SUPPLIER,
    )
    status, out, _ = run("suppliers", "--pack", "starter", folder, "--as-of", "2026-06-30")
    assert status == 0 and "0 contradictions, 0 watchlist hits" in out
    status, out, err = run(
        "suppliers", "--pack", "starter", "Nobody Ltd", folder, "--as-of", "2026-06-30"
    )
    assert status == 2 and out == ""
    assert "no firm of the set is 'Nobody Ltd'" in err


def test_a_declaration_that_cannot_be_read_stops_the_graph_with_its_position(
    tmp_path: Path,
) -> None:
    folder = _folder(tmp_path, lender=LENDER, broken="schema_version: 1\ncompany: {name: 3}\n")
    status, out, err = run("suppliers", "--pack", "starter", folder)
    assert status == 2 and out == ""
    assert f"{folder / 'broken.yaml'}:2:" in err


def test_a_pack_without_licence_rules_says_claims_were_not_checked(tmp_path: Path) -> None:
    folder = _folder(tmp_path, lender=LENDER, supplier=SUPPLIER)
    status, out, _ = run(
        "suppliers", folder, "--pack", "cn-personal-information", "--as-of", "2026-06-30"
    )
    assert status == 0
    assert "the pack has no licence rules; licence claims were not cross-checked" in out


def test_the_json_output_names_firms_parties_and_findings(tmp_path: Path) -> None:
    folder = _folder(tmp_path, lender=LENDER, supplier=SUPPLIER)
    status, out, _ = run(
        "suppliers", "--pack", "starter", folder, "--format", "json", "--as-of", "2026-06-30"
    )
    data = json.loads(out)
    assert status == 1
    assert data["pack"] == "starter 0.2.0" and data["as_of"] == "2026-06-30"
    assert data["summary"] == {
        "firms": 2,
        "contradictions": 2,
        "watchlist_hits": 0,
        "licence_rules_checked": True,
    }
    lender = data["firms"][0]
    assert lender["suppliers"][0]["at"] == f"{folder / 'lender.yaml'}:8:5"
    assert lender["suppliers"][0]["firm"] == "name:qingshan data technology"


def _svg_of(graph) -> str:  # type: ignore[no-untyped-def]
    return str(supply_svg(graph))


def test_the_svg_is_well_formed_deterministic_and_coloured_by_readiness() -> None:
    firms = assess_firms([EXAMPLES], "starter", as_of=AS_OF)
    watchlist = load_watchlist(EXAMPLES / "watchlist.csv")
    svg = _svg_of(build_supply_graph(firms, watchlist))
    assert svg == _svg_of(build_supply_graph(list(reversed(firms)), watchlist))
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    nodes = root.findall(f"{SVG}g")
    classes = sorted(g.get("class", "") for g in nodes)
    assert classes.count("legend") == 1
    assert sum("flagged" in c for c in classes) == 3  # Hongtu, Sunrise, Anxin, and no other
    assert sum(c.startswith("node unassessed") for c in classes) == 1  # the bank
    dashed = [line for line in root.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    assert len(dashed) == 3  # two contradicted supplies and the legend's sample
    # layered by depth: the lender above its suppliers
    boxes = {
        g.findtext(f"{SVG}title"): g.find(f"{SVG}rect")
        for g in nodes
        if g.get("class", "").startswith("node")
    }
    lender_y = int(boxes["Huaan Consumer Finance Co., Ltd."].get("y"))  # type: ignore[union-attr]
    supplier_y = int(boxes["Qingshan Data Technology Co., Ltd."].get("y"))  # type: ignore[union-attr]
    assert lender_y < supplier_y


def test_names_are_escaped_in_the_svg_and_the_html(tmp_path: Path) -> None:
    hostile = LENDER.replace("Huaan Consumer Finance Co., Ltd.", '"<script>alert(1)</script>"')
    folder = _folder(tmp_path, lender=hostile, supplier=SUPPLIER)
    html = render_suppliers(_graph(folder), "html")
    assert "<script>" not in html and "&lt;script&gt;" in html
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    ET.fromstring(svg)


def test_the_html_page_is_written_atomically_and_twice_the_same(tmp_path: Path) -> None:
    out = tmp_path / "graph.html"
    args = (
        "suppliers",
        "--pack",
        "starter",
        EXAMPLES,
        "--watchlist",
        EXAMPLES / "watchlist.csv",
        "--as-of",
        "2026-06-30",
    )
    assert run(*args, "--format", "html", "-o", out)[0] == 1
    first = out.read_bytes()
    assert run(*args, "--format", "html", "-o", out)[0] == 1
    assert out.read_bytes() == first
    assert b"<svg" in first and b"Contradictions" in first


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_tree_can_start_at_a_firm_named_in_chinese(fmt: str) -> None:
    status, out, _ = run(
        "suppliers",
        "--pack",
        "starter",
        "青山数据科技有限公司",
        EXAMPLES,
        "--format",
        fmt,
        "--as-of",
        "2026-06-30",
    )
    assert status == 1
    if fmt == "json":
        assert json.loads(out)["root"] == "91440300MA5QSDT02K"
    else:
        assert out.splitlines()[2].startswith("Qingshan Data Technology Co., Ltd.  not ready")


def test_an_output_written_into_the_folder_is_not_read_back_as_a_declaration(
    tmp_path: Path,
) -> None:
    folder = _folder(tmp_path, lender=LENDER, supplier=SUPPLIER)
    out = folder / "graph.json"
    for _ in range(2):
        status, _, err = run(
            "suppliers",
            "--pack",
            "starter",
            folder,
            "--format",
            "json",
            "-o",
            out,
            "--as-of",
            "2026-06-30",
        )
        assert (status, err) == (1, "")
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["firms"] == 2


def test_control_characters_in_names_and_reasons_never_reach_the_terminal(tmp_path: Path) -> None:
    forged = "Qingshan\\x1b[2J\\nsupplier  Forged Ltd  ready, score 100"
    lender = LENDER.replace("name: Qingshan Data Technology Co., Ltd.", f'name: "{forged}"')
    folder = _folder(tmp_path, lender=lender, supplier=SUPPLIER)
    watchlist = tmp_path / "w.csv"
    watchlist.write_text(
        'name,aliases,source,reason\n"Qingshan Data Technology Co., Ltd.","Qingshan\x1b[2J",list,'
        '"two\nlines\x07"\n"Evil\x1b[2J Ltd",,list,\n',
        encoding="utf-8",
    )
    status, out, _ = run(
        "suppliers", "--pack", "starter", folder, "--watchlist", watchlist, "--as-of", "2026-06-30"
    )
    assert status == 1
    assert "\x1b" not in out and "\x07" not in out
    assert not any(line.startswith("supplier  Forged") for line in out.splitlines())
    assert "reason: two\\nlines\\x07" in out
    status, out, _ = run("watchlist", "check", watchlist)
    assert status == 0 and "\x1b" not in out and "Evil\\x1b[2J Ltd" in out


def test_firms_rebuilt_from_stored_text_and_statuses_give_the_same_findings(tmp_path: Path) -> None:
    """The workspace path: declarations kept as text, findings kept as (rule, domain, status)."""
    folder = _folder(tmp_path, lender=LENDER, supplier=SUPPLIER)
    assessed = assess_firms([folder], "starter", as_of=AS_OF)
    stored = [
        firm_from_statuses(
            declaration_from_text(firm.declaration.text, firm.declaration.source),
            ready=firm.ready,
            score=firm.score,
            rule_statuses=[(rule, "licensing", "fail") for rule in firm.licence_failures],
            evidence=dict(firm.licence_evidence),
        )
        for firm in assessed
    ]
    fresh, again = build_supply_graph(assessed), build_supply_graph(stored)
    assert again.contradictions == fresh.contradictions and len(again.contradictions) == 2
    assert [n.firm.key for n in again.nodes] == [n.firm.key for n in fresh.nodes]


def test_the_svg_from_one_firm_shows_its_suppliers_and_direct_customers_only() -> None:
    graph = build_supply_graph(assess_firms([EXAMPLES], "starter", as_of=AS_OF))
    lender = graph.find("惠安消费金融有限公司")
    qingshan = graph.find("Qingshan Data Technology")
    assert lender is not None and qingshan is not None
    titles = {
        g.findtext(f"{SVG}title")
        for g in ET.fromstring(str(supply_svg(graph, qingshan.firm.key))).iter(f"{SVG}g")
    }
    assert titles == {
        "Qingshan Data Technology Co., Ltd.",
        "Huaan Consumer Finance Co., Ltd.",
        "Hangzhou Commercial Bank Co., Ltd.",
        None,  # the legend
    }
    whole = ET.fromstring(str(supply_svg(graph, lender.firm.key)))
    assert len([g for g in whole.iter(f"{SVG}g") if g.get("class", "").startswith("node")]) == 11
