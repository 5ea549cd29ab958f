"""The web app's pages through the ASGI test client: every page, every form, every error path."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from helpers.cli import run
from helpers.paths import REPO
from helpers.web import AS_OF, PACK, Web, counts, make_client, score
from licensecheck.api import list_packs
from licensecheck.declaration.schema import (
    SchemaNode,
    description_key,
    descriptions,
    load_declaration_schema,
)

DEMO = REPO / "examples" / "demo-credit-scoring.yaml"


def _upload(web: Web, path: Path = DEMO, name: str = "demo.yaml") -> str:
    done = web.client.post(
        "/drafts",
        data={"csrf": web.csrf, "packs": [PACK], "firm": ""},
        files={"upload": (name, path.read_bytes(), "application/yaml")},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    return str(done.headers["location"])


# ------------------------------------------------------------------ start


def test_the_home_page_offers_every_pack_and_a_strict_policy(web: Web) -> None:
    page = web.client.get("/")
    assert page.status_code == 200
    assert 'value="cn-credit-reporting"' in page.text and 'value="starter"' in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy
    assert '<script src="/static/htmx.min.js"' in page.text
    assert re.search(r"<script>", page.text) is None  # no inline script


def test_the_language_switch_turns_every_page_chinese(web: Web) -> None:
    done = web.client.get("/lang/zh?next=/", follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/"
    page = web.client.get("/").text
    assert '<html lang="zh-CN">' in page and "开始问卷" in page
    draft = web.start()
    assert "评估结果" in web.client.get(draft).text


def test_the_language_switch_refuses_an_unknown_language_and_a_foreign_target(web: Web) -> None:
    assert web.client.get("/lang/fr").status_code == 422
    done = web.client.get("/lang/en?next=//evil.example/", follow_redirects=False)
    assert done.headers["location"] == "/"


def test_a_form_post_without_the_csrf_token_is_refused(web: Web) -> None:
    done = web.client.post("/drafts", data={"packs": [PACK], "firm": "X"})
    assert done.status_code == 422 and "CSRF" in done.text
    done = web.client.post("/drafts", data={"csrf": "forged", "packs": [PACK], "firm": "X"})
    assert done.status_code == 422


def test_starting_needs_a_pack_a_firm_and_a_real_pack_id(web: Web) -> None:
    post = web.client.post
    assert "choose at least one pack" in post("/drafts", data={"csrf": web.csrf, "firm": "X"}).text
    done = post("/drafts", data={"csrf": web.csrf, "packs": [PACK], "firm": ""})
    assert "give the firm" in done.text
    done = post("/drafts", data={"csrf": web.csrf, "packs": ["../../etc"], "firm": "X"})
    assert done.status_code == 422 and "is not a pack id" in done.text
    done = post("/drafts", data={"csrf": web.csrf, "packs": ["no-such-pack"], "firm": "X"})
    assert done.status_code == 422 and "Traceback" not in done.text


def test_an_uploaded_declaration_fills_the_questionnaire(web: Web) -> None:
    draft = _upload(web)
    page = web.client.get(draft).text
    assert "Shenzhen" in page or "深圳" in page
    assert re.search(r'value="yes" checked', page)
    assert 0 < score(page) < 100


def test_a_bad_upload_is_reported_at_its_line_and_column(web: Web, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\ncompany: [unclosed\n", encoding="utf-8")
    done = web.client.post(
        "/drafts",
        data={"csrf": web.csrf, "packs": [PACK]},
        files={"upload": ("bad.yaml", bad.read_bytes(), "application/yaml")},
    )
    assert done.status_code == 422
    assert re.search(r"bad\.yaml:\d+:\d+", done.text)
    done = web.client.post(
        "/drafts",
        data={"csrf": web.csrf, "packs": [PACK]},
        files={"upload": ("x.yaml", b"\xff\xfe\x00bad", "application/yaml")},
    )
    assert done.status_code == 422 and "not UTF-8" in done.text


def test_a_request_over_the_size_limit_is_refused(web: Web) -> None:
    big = b"x" * (11 * 1024 * 1024)
    done = web.client.post("/api/v1/assess", content=big)
    assert done.status_code == 413
    assert done.json()["errors"][0]["code"] == "limit"


# ------------------------------------------------------------------ the questionnaire


def test_questions_have_inputs_of_their_type_grouped_by_domain(web: Web) -> None:
    page = web.client.get(_upload(web)).text
    assert "Licence conditions and supervisory reporting" in page  # a domain of the pack
    assert 'type="date"' in page
    assert re.search(r'<select id="[^"]+" name="[^"]+"', page)
    assert 'value="" checked' in page and ">not answered" in page  # booleans are three-way
    assert '<span class="unit">days</span>' in page
    assert 'type="checkbox" name="' in page  # a list of enum values
    assert 'name="action" value="add"' in page  # lists of objects grow


def test_each_answer_updates_the_results_and_is_saved(web: Web) -> None:
    draft = web.start()
    before = counts(web.client.get(draft).text)
    panel = web.answer(draft, **{"processing.face_recognition.used": "no"})
    assert 'id="panel"' in panel and counts(panel) != before
    # a new server over the same workspace: the answer is still there
    again = make_client(web.folder)
    with again:
        page = again.get(draft).text
        assert re.search(r'name="processing\.face_recognition\.used" value="no" checked', page)


def test_answers_accumulate_to_a_higher_score(web: Web) -> None:
    draft = web.start()
    page = web.client.get(draft).text
    booleans = re.findall(r'type="radio" name="([^"]+)" value="yes"', page)
    assert len(booleans) > 20
    panel = web.answer(draft, **dict.fromkeys(booleans, "yes"))
    assert score(panel) > score(page)


def test_a_wrong_value_shows_the_clis_message_beside_its_field(web: Web) -> None:
    draft = web.start()
    field = "processing.face_recognition.individuals_stored"
    panel = web.answer(draft, **{field: "12x"})
    errors = re.findall(r'id="err-([^"]+)" role="alert" hx-swap-oob="true"><p>([^<]+)</p>', panel)
    assert errors, panel[-2000:]
    slug, message = errors[0]
    assert slug == "f-processing-face_recognition-individuals_stored"
    assert message == f"{field}: expected a whole number, got the string &#34;12x&#34;"
    assert score(panel) >= 0  # the rest is still assessed
    cleared = web.answer(draft, **{field: "12"})
    assert re.search(r'id="err-[^"]+" role="alert" hx-swap-oob="true"></div>', cleared)


def test_an_unknown_question_or_draft_is_refused(web: Web) -> None:
    draft = web.start()
    done = web.client.post(
        f"{draft}/answers",
        data={"company.secret_field": "1"},
        headers={"X-CSRF-Token": web.csrf},
    )
    assert done.status_code == 422 and "is not a question of this draft" in done.text
    assert web.client.get("/drafts/0123456789abcdef").status_code == 422
    done = web.client.get("/drafts/..%2F..%2Fetc")
    assert done.status_code in (404, 422) and "Traceback" not in done.text


def test_lists_grow_and_shrink(web: Web) -> None:
    draft = web.start()
    add = {"csrf": web.csrf, "list": "data_sources", "action": "add"}
    assert web.client.post(f"{draft}/lists", data=add, follow_redirects=False).status_code == 303
    page = web.client.get(draft).text
    assert "data_sources #1" in page and 'name="data_sources[0].kind"' in page
    web.answer(draft, **{"data_sources[0].kind": "crawler"})
    remove = dict(add, action="remove")
    web.client.post(f"{draft}/lists", data=remove)
    assert "data_sources #1" not in web.client.get(draft).text
    bad = dict(add, list="../nothing")
    assert web.client.post(f"{draft}/lists", data=bad).status_code == 422


# ------------------------------------------------------------------ results


def _download(web: Web, draft: str, folder: Path) -> Path:
    """The draft's YAML, saved under the name the browser gives it."""
    done = web.client.get(f"{draft}/declaration.yaml")
    name = re.findall(r'filename="([^"]+)"', done.headers["content-disposition"])[0]
    (folder / name).write_bytes(done.content)
    return Path(name)


def test_the_report_is_the_report_commands_html(
    web: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = _upload(web)
    page = web.client.get(f"{draft}/report.html")
    assert page.status_code == 200 and "<svg" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    monkeypatch.chdir(tmp_path)
    name = _download(web, draft, tmp_path)
    code, out, err = run("report", name, "--pack", PACK, "--as-of", AS_OF, "--format", "html")
    assert code in (0, 1), err
    assert out == page.text


def test_the_json_and_sarif_downloads_and_a_wrong_format(web: Web) -> None:
    draft = _upload(web)
    report = web.client.get(f"{draft}/report.json")
    assert report.json()["summary"]["score"] == score(web.client.get(draft).text)
    sarif = web.client.get(f"{draft}/report.sarif").json()
    assert sarif["version"] == "2.1.0"
    assert web.client.get(f"{draft}/report.exe").status_code == 422
    assert web.client.get(f"{draft}/report.json?pack=starter").status_code == 422


def test_the_downloaded_yaml_gives_the_pages_statuses_in_the_cli(
    web: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = _upload(web)
    web.answer(draft, **{"processing.publication.used": "no"})
    monkeypatch.chdir(tmp_path)
    name = _download(web, draft, tmp_path)
    text = name.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    assert "# " in text.split("company:", 1)[1]  # fields carry their comments
    assert yaml.safe_load(text)["processing"]["publication"]["used"] is False
    code, out, err = run("check", name, "--pack", PACK, "--as-of", AS_OF, "--format", "json")
    assert code in (0, 1), err
    assert out == web.client.get(f"{draft}/report.json").text  # the same JSON, byte for byte
    cli = {f["rule_id"]: f["status"] for f in json.loads(out)["findings"]}
    panel = web.client.get(draft).text
    shown = dict(re.findall(r'data-rule="([^"]+)" data-status="(\w+)"', panel))
    assert shown and all(cli[rule] == status for rule, status in shown.items())


def test_the_plan_page_toggles_assume_fixed(web: Web) -> None:
    draft = _upload(web)
    page = web.client.get(f"{draft}/plan?pack={PACK}").text
    rules = re.findall(r'name="fixed" value="([^"]+)"', page)
    assert rules
    plan = web.client.get(f"{draft}/plan.html?pack={PACK}").text
    fixed = web.client.get(f"{draft}/plan.html?pack={PACK}&fixed={rules[0]}").text
    assert plan != fixed
    assert f'value="{rules[0]}" checked' in web.client.get(f"{draft}/plan?fixed={rules[0]}").text
    assert web.client.get(f"{draft}/plan?fixed=<script>").status_code == 422


def test_the_unknowns_page_lists_what_is_still_to_declare(web: Web) -> None:
    draft = web.start()
    page = web.client.get(f"{draft}/unknowns").text
    assert "<code>data_sources</code>" in page and "<code>company.licenses</code>" in page


def test_recording_builds_the_firms_history(web: Web) -> None:
    draft = _upload(web)
    done = web.client.post(f"{draft}/record", data={"csrf": web.csrf}, follow_redirects=False)
    assert done.status_code == 303
    history = web.client.get(done.headers["location"])
    assert history.status_code == 200 and PACK in history.text
    home = web.client.get("/").text
    assert "/history" in home
    portfolio = web.client.get("/portfolio")
    assert portfolio.status_code == 200
    assert "'sha256-" in portfolio.headers["content-security-policy"]
    assert web.client.get("/firms/..%5Cx/history").status_code == 422


def test_the_api_docs_page_and_openapi_need_no_cdn(web: Web) -> None:
    page = web.client.get("/docs")
    assert page.status_code == 200 and "/api/v1/assess" in page.text
    assert "cdn" not in page.text.lower()
    assert "/api/v1/plan" in web.client.get("/openapi.json").json()["paths"]


def test_a_missing_page_says_so_without_a_trace(web: Web) -> None:
    page = web.client.get("/nothing-here")
    assert page.status_code == 404 and "there is no such page" in page.text
    assert "Traceback" not in page.text


def test_the_token_guards_every_request(tmp_path: Path) -> None:
    client = make_client(tmp_path, token="s3cret-token")
    with client:
        assert client.get("/").status_code == 401
        assert client.get("/api/v1/packs").json()["errors"][0]["code"] == "usage"
        bearer = {"Authorization": "Bearer s3cret-token"}
        assert client.get("/api/v1/packs", headers=bearer).status_code == 200
        assert client.get("/?token=wrong").status_code == 401
        assert client.get("/?token=s3cret-token").status_code == 200
        assert client.get("/").status_code == 200  # the cookie it set
    client.app.state.lc.workspace.close()  # type: ignore[attr-defined]


def test_a_firm_of_the_workspace_starts_from_its_last_declaration(web: Web) -> None:
    draft = _upload(web)
    web.answer(draft, **{"processing.publication.used": "no"})
    done = web.client.post(f"{draft}/record", data={"csrf": web.csrf}, follow_redirects=False)
    key = done.headers["location"].split("/")[2]
    assert f'<option value="{key}">' in web.client.get("/").text
    again = web.client.post(
        "/drafts",
        data={"csrf": web.csrf, "packs": [PACK], "from_firm": key},
        follow_redirects=False,
    )
    page = web.client.get(again.headers["location"]).text
    assert re.search(r'name="processing\.publication\.used" value="no" checked', page)
    assert score(page) == score(web.client.get(draft).text)
    unknown = {"csrf": web.csrf, "packs": [PACK], "from_firm": "nobody-at-all"}
    assert web.client.post("/drafts", data=unknown).status_code == 422


def _described(node: SchemaNode, path: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """(key, English description) of every described field below ``node``."""
    if path and node.description:
        yield description_key(path), node.description
    for key, child in node.properties.items():
        yield from _described(child, (*path, key))
    if node.items is not None and node.kind == "array":
        yield from _described(node.items, (*path, "[]"))


def test_the_chinese_questionnaire_shows_the_chinese_field_descriptions(web: Web) -> None:
    draft = web.start()
    english = web.client.get(draft).text
    zh = descriptions("zh")
    shown = [
        (key, text)
        for key, text in _described(load_declaration_schema().root)
        if key in zh and not set(text) & set("'\"&<>") and f">{text}<" in english
    ]
    assert shown, "no field of the questionnaire has a Chinese description"
    key, text = shown[0]
    assert zh[key] not in english
    web.client.get("/lang/zh?next=/", follow_redirects=False)
    chinese = web.client.get(draft).text
    assert zh[key] in chinese and f">{text}<" not in chinese


# ------------------------------------------------------------------ the impact view


def _recorded(web: Web) -> str:
    """Record the demo declaration; the pack's version it was recorded with."""
    draft = _upload(web)
    done = web.client.post(f"{draft}/record", data={"csrf": web.csrf}, follow_redirects=False)
    assert done.status_code == 303
    return next(p.version for p in list_packs() if p.id == PACK)


def test_the_impact_page_compares_a_stored_version_with_the_bundled_pack(web: Web) -> None:
    version = _recorded(web)
    assert 'href="/impact"' in web.client.get("/").text  # in the navigation
    page = web.client.get("/impact", params={"old": f"{PACK}@{version}", "new": PACK})
    assert page.status_code == 200
    frame = re.search(r'<iframe class="document" src="([^"]+)"', page.text)
    assert frame is not None
    document = web.client.get(frame.group(1).replace("&amp;", "&"))
    assert document.status_code == 200, document.text
    assert "on 1 firm (as of" in document.text  # the recorded firm, assessed under both
    policy = document.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script" not in policy  # as the report's
    web.client.get("/lang/zh?next=/", follow_redirects=False)
    assert "规则包更新影响" in web.client.get("/impact").text


def test_the_impact_view_refuses_paths_unknown_packs_and_an_empty_workspace(web: Web) -> None:
    for bad in ("../etc", "policies/x", f"{PACK}@../1"):
        refused = web.client.get("/impact", params={"old": bad, "new": PACK})
        assert refused.status_code == 422, bad
    nobody = web.client.get("/impact.html", params={"old": PACK, "new": PACK})
    assert nobody.status_code == 422 and "no firm has an assessment recorded" in nobody.text
    _recorded(web)
    unknown = web.client.get("/impact.html", params={"old": f"{PACK}@9.9.9", "new": PACK})
    assert unknown.status_code == 422 and f"{PACK}@9.9.9" in unknown.text
    missing = web.client.get("/impact.html", params={"old": "no-such-pack", "new": PACK})
    assert missing.status_code == 422 and "no-such-pack" in missing.text
