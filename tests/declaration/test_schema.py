"""The declaration JSON Schema (the user-facing contract) and the SchemaNode tree built from it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

from licensecheck.declaration.schema import (
    ANY,
    KIND_KEYWORD,
    SchemaDefinitionError,
    SchemaNode,
    build_schema,
    load_declaration_schema,
)
from licensecheck.resources import schemas_dir

SCHEMA_PATH = schemas_dir() / "declaration.schema.json"

# Every field of the declaration model (docs: declaration-model.md), as a path with "*" for
# "any list item". The schema may add fields; it must never lose one of these.
_MODEL_FIELDS = """
schema_version as_of
company.name company.name_zh company.uscc company.jurisdiction company.incorporated_on
company.registered_capital_cny company.paid_in_capital_cny company.ownership.state_owned_pct
company.ownership.foreign_owned_pct company.ownership.actual_controller company.headcount
company.licenses.*.id company.licenses.*.kind company.licenses.*.authority
company.licenses.*.number company.licenses.*.issued_on company.licenses.*.valid_until
company.licenses.*.jurisdiction
business_lines.*.id business_lines.*.name business_lines.*.kind business_lines.*.subject_type
business_lines.*.provides_credit_information business_lines.*.clients.* business_lines.*.delivery.*
business_lines.*.caches_source_data business_lines.*.uses_automated_decisions
business_lines.*.direct_connection_to_financial_institutions
data_sources.*.id data_sources.*.name data_sources.*.kind data_sources.*.contains_personal_info
data_sources.*.contains_credit_information data_sources.*.sensitive_categories.*
data_sources.*.volume_individuals data_sources.*.lawful_basis data_sources.*.consent.obtained
data_sources.*.consent.separate data_sources.*.consent.written data_sources.*.consent.withdrawable
data_sources.*.consent.scope_documented data_sources.*.consent.purpose data_sources.*.supplier.name
data_sources.*.supplier.licensed data_sources.*.supplier.contract_signed
data_sources.*.supplier.contract_reviewed_on data_sources.*.supplier.authorization_chain_verified
data_sources.*.collection.method data_sources.*.collection.respects_robots_txt
data_sources.*.collection.bypasses_anti_crawling data_sources.*.collection.stores_user_credentials
data_sources.*.collection.share_of_target_traffic data_sources.*.collection.exceeds_authorized_scope
data_sources.*.retention_days data_sources.*.deidentified data_sources.*.cross_border
recipients.*.id recipients.*.name recipients.*.kind recipients.*.country recipients.*.licensed
recipients.*.contract_signed recipients.*.purpose recipients.*.receives_personal_info
recipients.*.receives_credit_information recipients.*.separate_consent
recipients.*.via_licensed_agency
processing.purposes.* processing.automated_decision_making.used
processing.automated_decision_making.explanation_available
processing.automated_decision_making.opt_out_available processing.profiling
processing.entrusted_processors.*.name processing.entrusted_processors.*.contract_signed
processing.entrusted_processors.*.audited_on
security.mlps.level security.mlps.filed_on security.mlps.certified_on
security.mlps.certificate_number security.encryption_at_rest security.encryption_in_transit
security.access_control.role_based security.access_control.least_privilege
security.access_control.mfa_for_admins security.access_control.reviewed_on
security.audit_logging.enabled security.audit_logging.retention_days
security.audit_logging.tamper_evident security.query_records_retention_years
security.incident_response_plan.exists security.incident_response_plan.tested_on
security.penetration_test_on security.data_classification.done
security.data_classification.important_data_identified security.data_classification.catalog_updated_on
governance.pi_protection_officer.appointed governance.pi_protection_officer.name
governance.pi_protection_officer.reports_to_board governance.compliance_audit.last_on
governance.compliance_audit.interval_months governance.compliance_audit.external
governance.impact_assessments.*.id governance.impact_assessments.*.subject
governance.impact_assessments.*.done_on governance.impact_assessments.*.retained_until
governance.policies.* governance.staff_training.hours_per_year governance.staff_training.last_on
governance.background_checks governance.whistleblowing_channel
data_subject_rights.access data_subject_rights.correction data_subject_rights.deletion
data_subject_rights.portability data_subject_rights.objection_channel
data_subject_rights.dispute_response_days data_subject_rights.complaint_channel
data_subject_rights.response_days
cross_border.transfers.*.id cross_border.transfers.*.recipient cross_border.transfers.*.destination
cross_border.transfers.*.data_categories.* cross_border.transfers.*.contains_personal_info
cross_border.transfers.*.volume_individuals cross_border.transfers.*.mechanism
cross_border.transfers.*.approved_on
incidents.*.id incidents.*.occurred_on incidents.*.kind incidents.*.individuals_affected
incidents.*.reported_to_regulator incidents.*.reported_within_hours incidents.*.individuals_notified
evidence.*.id evidence.*.title evidence.*.path evidence.*.uri evidence.*.sha256
evidence.*.covers.* evidence.*.supports.* evidence.*.issued_by evidence.*.issued_on
evidence.*.expires_on
extensions
"""
MODEL_PATHS = _MODEL_FIELDS.split()

MODEL_ENUMS = {
    "company.licenses.*.kind": "personal_credit_reporting enterprise_credit_filing icp "
    "value_added_telecom payment data_broker_registration other",
    "business_lines.*.kind": "credit_scoring credit_report identity_verification "
    "multi_lending_query anti_fraud marketing web_crawling data_brokerage risk_consulting other",
    "business_lines.*.subject_type": "individual enterprise both",
    "business_lines.*.clients.*": "bank consumer_finance microlender online_lending_platform "
    "insurer fintech government other",
    "business_lines.*.delivery.*": "api batch_file on_premise data_sandbox report",
    "data_sources.*.kind": "first_party user_authorized_crawl crawled purchased partner_exchange "
    "operator_channel government public_disclosure other",
    "data_sources.*.sensitive_categories.*": "biometric religion genetic fingerprint blood_type "
    "medical_history health financial_account location_trace minors identity_document "
    "communication_content other",
    "data_sources.*.lawful_basis": "consent contract legal_duty public_interest "
    "publicly_disclosed none",
    "data_sources.*.collection.method": "api sdk crawler file manual",
    "recipients.*.kind": "bank consumer_finance microlender online_lending_platform insurer "
    "fintech credit_agency government other",
    "cross_border.transfers.*.mechanism": "security_assessment standard_contract certification "
    "exemption none",
    "cross_border.transfers.*.data_categories.*": "basic_identity contact identity_document "
    "financial_account credit_history transaction location_trace communication_content device "
    "behavioral biometric health other",
    "incidents.*.kind": "breach unauthorized_access loss leak ransomware other",
    "evidence.*.kind": "licence contract consent_text policy audit_report assessment_report "
    "screenshot other",
}


def _path(dotted: str) -> list[str | int]:
    return [0 if part == "*" else part for part in dotted.split(".")]


def _document() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return result


def _subschemas(schema: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object in the document with its JSON pointer."""
    if not isinstance(schema, dict):
        return
    yield pointer, schema
    for name, sub in schema.get("properties", {}).items():
        yield from _subschemas(sub, f"{pointer}/properties/{name}")
    for name, sub in schema.get("$defs", {}).items():
        yield from _subschemas(sub, f"{pointer}/$defs/{name}")
    for keyword in ("items", "additionalProperties"):
        yield from _subschemas(schema.get(keyword), f"{pointer}/{keyword}")


def _nodes(node: SchemaNode, path: str = "") -> Iterator[tuple[str, SchemaNode]]:
    yield path, node
    for name, child in node.properties.items():
        yield from _nodes(child, f"{path}.{name}" if path else name)
    if node.items is not None:
        yield from _nodes(node.items, f"{path}.*")


# --------------------------------------------------------------------------- the document


def test_bundled_schema_is_valid_draft_2020_12() -> None:
    document = _document()
    jsonschema.Draft202012Validator.check_schema(document)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert document["$id"] and document["title"]


def test_every_property_has_a_description() -> None:
    missing = [
        pointer
        for pointer, sub in _subschemas(_document())
        if not str(sub.get("description", "")).strip()
    ]
    assert missing == []


def test_every_object_is_closed_except_extensions() -> None:
    open_objects = [
        pointer
        for pointer, sub in _subschemas(_document())
        if sub.get("type") == "object" and sub.get("additionalProperties") is not False
    ]
    assert open_objects == [
        "/properties/extensions",
        "/properties/extensions/additionalProperties",
    ]


def test_only_the_version_company_name_and_item_ids_are_required() -> None:
    required = {
        pointer: sub["required"] for pointer, sub in _subschemas(_document()) if "required" in sub
    }
    assert required.pop("") == ["schema_version", "company"]
    assert required.pop("/properties/company") == ["name"]
    assert all(keys == ["id"] for keys in required.values()), required
    assert all(pointer.endswith("/items") for pointer in required)


def test_schema_version_is_fixed_to_one() -> None:
    assert _document()["properties"]["schema_version"]["const"] == 1


@pytest.mark.parametrize("dotted", MODEL_PATHS)
def test_every_model_field_is_in_the_schema(dotted: str) -> None:
    assert load_declaration_schema().node_at(_path(dotted)) is not None, dotted


@pytest.mark.parametrize(("dotted", "values"), sorted(MODEL_ENUMS.items()))
def test_enumerations_hold_the_models_values(dotted: str, values: str) -> None:
    """Closed enumerations with at least the model's values (packs may add more)."""
    node = load_declaration_schema().node_at(_path(dotted))
    assert node is not None and node.enum is not None
    assert set(values.split()) <= set(node.enum)


def test_value_conventions_by_field_name() -> None:
    """Money, durations, percentages and dates follow the naming conventions of the model."""
    for path, node in _nodes(load_declaration_schema().root):
        name = path.rsplit(".", 1)[-1]
        if name.endswith(("_cny", "_days")):
            assert (node.kind, node.minimum) == ("integer", 0), path
        elif name.endswith("_pct"):
            assert (node.kind, node.minimum, node.maximum) == ("number", 0, 100), path
        elif name.endswith(("_on", "_until")) or name == "as_of":
            assert node.kind == "date", path
        elif name.endswith(("licensed", "obtained", "signed", "verified")):
            assert node.kind == "boolean", path


def test_special_ranges() -> None:
    schema = load_declaration_schema()
    traffic = schema.node_at(["data_sources", 0, "collection", "share_of_target_traffic"])
    level = schema.node_at(["security", "mlps", "level"])
    assert traffic is not None and (traffic.kind, traffic.minimum, traffic.maximum) == (
        "number",
        0,
        1,
    )
    assert level is not None and (level.kind, level.minimum, level.maximum) == ("integer", 1, 5)


@pytest.mark.parametrize(
    "dotted",
    [
        "data_sources.*.sensitive_categories",
        "business_lines.*.clients",
        "business_lines.*.delivery",
    ],
)
def test_enum_lists_are_unique_arrays(dotted: str) -> None:
    pointer = "".join(
        "/items" if part == "*" else f"/properties/{part}" for part in dotted.split(".")
    )
    subschema = dict(_subschemas(_document()))[pointer]
    assert subschema["type"] == "array" and subschema["uniqueItems"] is True


def test_free_text_lists_are_lists_of_strings() -> None:
    schema = load_declaration_schema()
    for dotted in (
        "processing.purposes.*",
        "governance.policies.*",
        "evidence.*.supports.*",
        "evidence.*.covers.*",
    ):
        node = schema.node_at(_path(dotted))
        assert node is not None and node.kind == "string" and node.enum is None


# --------------------------------------------------------------------------- the node tree


def test_load_is_cached_and_validator_is_cached() -> None:
    schema = load_declaration_schema()
    assert load_declaration_schema() is schema
    assert schema.validator() is schema.validator()


def test_validator_checks_date_format() -> None:
    validator = load_declaration_schema().validator()
    good = {"schema_version": 1, "company": {"name": "x", "incorporated_on": "2020-02-29"}}
    bad = {"schema_version": 1, "company": {"name": "x", "incorporated_on": "2021-02-29"}}
    assert validator.is_valid(good)
    assert [e.validator for e in validator.iter_errors(bad)] == ["format"]


def test_node_at_and_child() -> None:
    schema = load_declaration_schema()
    separate = schema.node_at(["data_sources", 3, "consent", "separate"])
    assert separate is not None
    assert separate.kind == "boolean"
    assert "separate" in separate.description
    assert separate.pointer == (
        "/properties/data_sources/items/properties/consent/properties/separate"
    )
    sources = schema.root.child("data_sources")
    assert sources is not None and sources.kind == "array"
    assert sources.child("x") is None  # arrays have no named children
    assert sources.child(0) is sources.items
    assert schema.root.child(0) is None
    assert schema.node_at(["company", "nmae"]) is None
    assert schema.node_at(["company", "name", "x"]) is None
    assert schema.node_at([]) is schema.root


def test_refs_resolve_and_keep_the_local_description() -> None:
    schema = load_declaration_schema()
    incorporated = schema.node_at(["company", "incorporated_on"])
    assert incorporated is not None and incorporated.kind == "date"
    assert "incorporated" in incorporated.description
    category = schema.node_at(["cross_border", "transfers", 0, "data_categories", 0])
    assert category is not None and category.kind == "string" and category.enum is not None
    assert "credit_history" in category.enum


def test_a_ref_target_is_built_once_wherever_it_is_referred_to() -> None:
    schema = build_schema(
        {
            "$defs": {"money": {"type": "object", "properties": {"cny": {"type": "number"}}}},
            "properties": {
                "capital": {"$ref": "#/$defs/money", "description": "registered capital"},
                "revenue": {"$ref": "#/$defs/money"},
            },
        }
    )
    capital, revenue = schema.node_at(["capital"]), schema.node_at(["revenue"])
    assert capital is not None and revenue is not None
    # each place keeps its own pointer and description; below it, one subtree
    assert (capital.pointer, capital.description) == ("/properties/capital", "registered capital")
    assert (revenue.pointer, revenue.description) == ("/properties/revenue", "")
    assert capital.properties["cny"] is revenue.properties["cny"]
    assert capital.properties["cny"].pointer == "/$defs/money/properties/cny"


def test_extensions_are_open_objects_of_anything() -> None:
    schema = load_declaration_schema()
    extensions = schema.node_at(["extensions"])
    assert extensions is not None and extensions.kind == "object"
    assert extensions.additional is not None and extensions.additional.kind == "object"
    deep = schema.node_at(["extensions", "client-acme", "board", "approved", 3])
    assert deep is not None and deep.kind == "any"
    company = schema.node_at(["company"])
    assert company is not None and company.additional is None


def test_any_node_is_its_own_child() -> None:
    assert ANY.child("x") is ANY and ANY.child(4) is ANY


def test_nodes_compare_by_identity_and_are_hashable() -> None:
    schema = load_declaration_schema()
    node = schema.node_at(["company"])
    assert node is not None
    assert {node: 1}[node] == 1
    assert "properties=" not in repr(node)  # the subtree stays out of repr


# --------------------------------------------------------------------------- other documents


def test_build_schema_nullable_types_and_single_branch_unions() -> None:
    schema = build_schema(
        {
            "type": "object",
            "properties": {
                "a": {"type": ["integer", "null"], "minimum": 2},
                "b": {"anyOf": [{"type": "string", "format": "date"}, {"type": "null"}]},
                "c": {"type": ["string", "integer"]},
                "d": {"enum": ["x", "y"]},
                "e": {"properties": {"f": {"type": "boolean"}}},
                "g": {"items": {"type": "number"}},
                "h": {"type": ["integer", "number"]},
                "i": {"const": True},
            },
        }
    )
    kinds = {k: v.kind for k, v in schema.root.properties.items()}
    assert kinds == {
        "a": "integer",
        "b": "date",
        "c": "any",
        "d": "string",
        "e": "object",
        "g": "array",
        "h": "number",
        "i": "boolean",
    }
    a = schema.node_at(["a"])
    assert a is not None and a.minimum == 2
    assert schema.root.additional is not None and schema.root.additional.kind == "any"
    f = schema.node_at(["e", "f"])
    assert f is not None and f.kind == "boolean" and f.pointer == "/properties/e/properties/f"


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ({"$ref": "https://example.com/other.json"}, "only local references"),
        ({"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}, "recursive $ref"),
        ({"$ref": "#/$defs/missing"}, "points at nothing"),
        ({"type": "objekt"}, "not a valid JSON Schema"),
    ],
)
def test_build_schema_rejects_unusable_documents(document: dict[str, Any], fragment: str) -> None:
    with pytest.raises(SchemaDefinitionError) as caught:
        build_schema(document)
    assert fragment in str(caught.value)


def test_build_schema_resolves_escaped_pointers() -> None:
    schema = build_schema(
        {
            "$defs": {"a/b": {"type": "integer"}},
            "type": "object",
            "properties": {"x": {"$ref": "#/$defs/a~1b"}},
        }
    )
    x = schema.node_at(["x"])
    assert x is not None and x.kind == "integer"


def test_union_branch_children_keep_their_real_pointer() -> None:
    schema = build_schema(
        {
            "type": "object",
            "properties": {
                "b": {
                    "anyOf": [
                        {"type": "object", "properties": {"c": {"type": "string"}}},
                        {"type": "null"},
                    ]
                }
            },
        }
    )
    b, c = schema.node_at(["b"]), schema.node_at(["b", "c"])
    assert b is not None and b.pointer == "/properties/b"
    assert c is not None and c.pointer == "/properties/b/anyOf/0/properties/c"


def test_absurdly_deep_schema_is_refused_not_a_crash() -> None:
    document: dict[str, Any] = {"type": "object"}
    current = document
    for _ in range(5000):
        current["properties"] = {"a": {"type": "object"}}
        current = current["properties"]["a"]
    with pytest.raises(SchemaDefinitionError, match="nested too deeply"):
        build_schema(document)


# ---------------------------------------------------------------- facts and controls


def test_facts_are_marked_and_read_through_lists() -> None:
    schema = load_declaration_schema()
    # the two facts of issue #18: a licence's kind and a source's volume
    assert schema.is_fact(("company", "licenses", 0, "kind"))
    assert schema.is_fact(("data_sources", 3, "volume_individuals"))
    # an item of a list of facts is a fact
    assert schema.is_fact(("data_sources", 0, "data_categories", 2))
    # controls: what the firm can put in place
    assert not schema.is_fact(("data_sources", 0, "consent", "obtained"))
    assert not schema.is_fact(("company", "registered_capital_cny"))
    assert not schema.is_fact(("company", "licenses", 0, "valid_until"))  # renewable
    assert not schema.is_fact(("no_such_section", "x"))


def test_the_kind_keyword_only_takes_fact() -> None:
    document = json.loads((schemas_dir() / "declaration.schema.json").read_text("utf-8"))
    values = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if KIND_KEYWORD in node:
                values.add(node[KIND_KEYWORD])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    assert values == {"fact"}


def test_a_fact_annotation_survives_a_ref_and_a_checked_schema() -> None:
    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {"count": {"type": "integer", "minimum": 0}},
        "properties": {
            "held": {"$ref": "#/$defs/count", KIND_KEYWORD: "fact"},
            "kept_days": {"$ref": "#/$defs/count"},
        },
    }
    schema = build_schema(document)  # checked against the metaschema: the keyword is allowed
    assert schema.is_fact(("held",))
    assert not schema.is_fact(("kept_days",))
