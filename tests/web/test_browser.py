"""The web app in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium, no
browser download) against ``licensecheck serve`` running in uvicorn.

A user opens the app, chooses cn-credit-reporting, answers ten questions and sees the results
change in place after each; the server restarts and the answers are still there; the YAML
downloaded gives, in ``licensecheck check``, the statuses the page shows. Screenshots at 1280
and 390 px (no horizontal scrolling at 390), axe-core with no serious or critical violation,
and the Chinese UI. Skipped without Chromium or Playwright, except under ``CI=true``.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers.cli import run
from helpers.paths import REPO
from helpers.web import AS_OF, PACK, Web, make_client, serving

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
DEMO = REPO / "examples" / "demo-credit-scoring.yaml"
STEPS = 10
WIDTHS = (1280, 390)


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed on CI (.ci/run installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    if os.environ.get("CI") == "true":  # CI runs the browser tests, never skips them
        import playwright.sync_api as sync_api
    else:
        sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


def _steps(folder: Path) -> list[tuple[str, str, tuple[str, str]]]:
    """Ten questions the example firm left unanswered, each of whose answers moves the score
    or its range: found through the ASGI client, so the browser test knows what to expect."""
    client = make_client(folder)
    steps: list[tuple[str, str, tuple[str, str]]] = []
    with client:
        web = Web(client, folder)
        done = client.post(
            "/drafts",
            data={"csrf": web.csrf, "packs": [PACK]},
            files={"upload": (DEMO.name, DEMO.read_bytes(), "application/yaml")},
        )
        draft = done.url.path
        page = done.text
        before = _signature(page)
        for key in re.findall(r'type="radio" name="([^"]+)" value=""[^>]* checked', page):
            for value in ("yes", "no"):
                panel = web.answer(draft, **{key: value})
                if _signature(panel) != before:
                    before = _signature(panel)
                    steps.append((key, value, before))
                    break
            else:
                web.answer(draft, **{key: ""})
            if len(steps) == STEPS:
                break
    client.app.state.lc.workspace.close()  # type: ignore[attr-defined]
    assert len(steps) == STEPS
    return steps


def _signature(html: str) -> tuple[str, str]:
    score = re.findall(r'data-testid="score">(\d+)<', html)[0]
    span = re.findall(r'data-testid="range">([^<]+)<', html)[0]
    return score, span


def _shot(page: Any, name: str, folder: Path) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
        if width == 390:
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} scrolls sideways at 390 px by {overflow} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def _axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_user_answers_sees_the_gaps_move_and_keeps_it_all(
    browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    steps = _steps(tmp_path / "scratch")
    shots = Path(os.environ.get("LICENSECHECK_WEB_SHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    workspace = tmp_path / "ws"
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen: list[tuple[str, str]] = []
    with serving(workspace) as url:
        page.goto(url)
        _shot(page, "home", shots)
        page.check(f'input[name="packs"][value="{PACK}"]')
        page.set_input_files("#upload", str(DEMO))
        page.click('button[type="submit"]')
        page.wait_for_url(re.compile(r"/drafts/[0-9a-f]{16}$"))
        draft = page.url.removeprefix(url)  # /drafts/<id>
        seen.append(
            (page.inner_text('[data-testid="score"]'), page.inner_text('[data-testid="range"]'))
        )
        for key, value, _ in steps:
            page.check(f'input[type="radio"][name="{key}"][value="{value}"]')
            page.wait_for_function(
                "([score, range]) => document.querySelector('[data-testid=score]').textContent"
                " !== score || document.querySelector('[data-testid=range]').textContent !== range",
                arg=list(seen[-1]),
            )
            seen.append(
                (page.inner_text('[data-testid="score"]'), page.inner_text('[data-testid="range"]'))
            )
        # a new score or range after every answer: the ones the server computes
        assert seen[1:] == [expected for _, _, expected in steps]
        assert all(before != after for before, after in itertools.pairwise(seen))
        _shot(page, "questionnaire", shots)
    with serving(workspace) as url:  # a new server process over the same workspace
        page.goto(url + draft)
        for key, value, _ in steps:
            expect(page.locator(f'input[name="{key}"][value="{value}"]')).to_be_checked()
        assert page.inner_text('[data-testid="score"]') == seen[-1][0]
        shown = dict(
            page.eval_on_selector_all(
                ".gaps li", "items => items.map(i => [i.dataset.rule, i.dataset.status])"
            )
        )
        with page.expect_download() as download:
            page.click('[data-testid="download-yaml"]')
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        monkeypatch.chdir(tmp_path)
        code, out, err = run(
            "check", saved.name, "--pack", PACK, "--as-of", AS_OF, "--format", "json"
        )
        assert code in (0, 1), err
        report = json.loads(out)
        assert str(report["summary"]["score"]) == seen[-1][0]
        statuses = {f["rule_id"]: f["status"] for f in report["findings"]}
        assert shown and all(statuses[rule] == status for rule, status in shown.items())
        for name, path in (
            ("report", "/report.html"),
            ("plan", "/plan"),
            ("unknowns", "/unknowns"),
        ):
            page.goto(url + draft + path)
            _shot(page, name, shots)
        page.goto(url + draft)
        page.click('form[action$="/record"] button')
        page.wait_for_url(re.compile(r"/history$"))
        _shot(page, "history", shots)
        page.goto(url + "/portfolio")
        _shot(page, "portfolio", shots)
        page.goto(url + "/docs")
        _shot(page, "api-docs", shots)
        page.goto(url + draft)
        page.click("text=中文")
        page.wait_for_url(url + draft)
        assert page.get_attribute("html", "lang") == "zh-CN"
        assert "评估结果" in page.content() and "未回答" in page.content()
        _shot(page, "questionnaire-zh", shots)
        page.goto(url)
        _shot(page, "home-zh", shots)
    context.close()


def test_no_serious_or_critical_accessibility_violation(browser: Any, tmp_path: Path) -> None:
    context = browser.new_context(bypass_csp=True)  # to inject axe-core into the page
    page = context.new_page()
    with serving(tmp_path) as url:
        page.goto(url)
        assert _axe(page) == []
        page.check(f'input[name="packs"][value="{PACK}"]')
        page.fill("#firm", "Axe Co")
        page.click('button[type="submit"]')
        page.wait_for_url(re.compile(r"/drafts/[0-9a-f]{16}$"))
        assert _axe(page) == []
        page.goto(page.url + "/plan")
        assert _axe(page) == []
        page.goto(url + "/lang/zh?next=/")
        assert _axe(page) == []
    context.close()
