"""Generated schemas match the models; the README's API example runs."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import licensecheck
from helpers.paths import REPO
from helpers.rules import AS_OF
from licensecheck.authoring.schema_export import GENERATED, generated_schema
from licensecheck.engine.compile import CompiledPack
from licensecheck.engine.evaluate import run_rule


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_schema_is_in_sync(name: str) -> None:
    shipped = json.loads((REPO / "schemas" / GENERATED[name]).read_text(encoding="utf-8"))
    assert shipped == generated_schema(name), (
        f"run: python -m licensecheck.authoring.schema_export ({GENERATED[name]})"
    )


def test_readme_api_example_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    result = licensecheck.assess("examples/demo-credit-scoring.yaml", "starter", as_of="2026-01-15")
    assert printed[0] == f"{result.summary.score} {result.summary.ready}"
    assert printed[-1] == str(licensecheck.exit_code(result))


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=5)
    | st.dates().map(str),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["id", "kind", "name", "level", "x"]), children, max_size=3
        )
    ),
    max_leaves=10,
)
SECTIONS = [
    "company",
    "business_lines",
    "data_sources",
    "recipients",
    "security",
    "governance",
    "processing",
]

_PACK: list[CompiledPack] = []


def starter() -> CompiledPack:
    if not _PACK:
        _PACK.append(licensecheck.prepare_pack("starter"))
    return _PACK[0]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(SECTIONS), JSON_VALUES, max_size=5))
def test_evaluator_survives_unvalidated_data(data: dict[str, object]) -> None:
    """Even data the schema would reject never crashes a rule: the worst is an `error` status."""
    for compiled in starter().rules:
        assert run_rule(compiled, dict(data), AS_OF).status in (
            "pass",
            "fail",
            "unknown",
            "not_applicable",
            "error",
        )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(SECTIONS), JSON_VALUES, max_size=5))
def test_assess_raises_only_our_errors(data: dict[str, object]) -> None:
    try:
        result = licensecheck.assess({"schema_version": 1, **data}, starter(), as_of=AS_OF)
    except licensecheck.DeclarationError as exc:
        assert exc.diagnostics
    else:
        assert len(result.findings) == len(starter().rules)


def test_every_published_schema_has_an_id() -> None:
    for path in sorted((REPO / "schemas").glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        name = path.name.removesuffix(".schema.json")
        assert schema.get("$id") == f"urn:licensecheck:schema:{name}:1", path.name


def test_every_json_output_names_its_schema_and_version() -> None:
    from helpers.cli import run

    demo, crawler = "examples/demo-credit-scoring.yaml", "examples/crawler-firm-2019.yaml"
    outputs = {
        "report": ("check", "--pack", "starter", demo, "-f", "json"),
        "batch-report": ("check", "--pack", "starter", demo, crawler, "-f", "json"),
        "multi-pack-report": ("check", demo, "-p", "starter", "-p", "cn-credit-reporting",
                              "-f", "json"),
        "diff": ("diff", "--pack", "starter", demo, crawler, "-f", "json"),
        "gap-report": ("report", "--pack", "starter", demo, "-f", "json"),
        "plan": ("plan", "--pack", "starter", demo, "-f", "json"),
    }  # fmt: skip
    for name, args in outputs.items():
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(REPO)
            out = run(*args, "--as-of", AS_OF.isoformat())[1]
        document = json.loads(out)
        assert list(document)[:2] == ["$schema", "schema_version"], name
        assert document["$schema"] == f"urn:licensecheck:schema:{name}:1"
        assert document["schema_version"] == 1
