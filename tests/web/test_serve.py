"""``licensecheck serve`` as users run it: a real uvicorn process on a free port."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from helpers.cli import run, run_process
from helpers.web import PACK, serving

USERS = 50
ANSWERS = (
    "processing.face_recognition.used",
    "processing.automated_decision_making.used",
    "processing.publication.used",
    "processing.privacy_notice.published",
    "security.data_classification.important_data_identified",
)


def test_a_public_address_needs_a_token() -> None:
    code, _, err = run("serve", "--host", "0.0.0.0", "--port", "1")
    assert code == 2
    assert "--host 0.0.0.0 lets other machines in: give --token" in err


def test_a_token_is_announced_and_required(tmp_path: Path) -> None:
    with serving(tmp_path, "--token", "t0ken") as url:
        assert httpx.get(f"{url}/").status_code == 401
        assert httpx.get(f"{url}/", params={"token": "t0ken"}).status_code == 200


def _user(url: str, number: int) -> list[int]:
    """One user: open the app, start a questionnaire, answer five questions."""
    statuses = []
    with httpx.Client(base_url=url, timeout=120, follow_redirects=True) as client:
        statuses.append(client.get("/").status_code)
        csrf = client.cookies["lc_csrf"]
        done = client.post(
            "/drafts", data={"csrf": csrf, "packs": [PACK], "firm": f"Firm {number}"}
        )
        statuses.append(done.status_code)
        draft = str(done.url.path)
        for field in ANSWERS:
            answer = client.post(
                f"{draft}/answers",
                data={field: "yes"},
                headers={"X-CSRF-Token": csrf, "HX-Request": "true"},
            )
            statuses.append(answer.status_code)
            assert 'data-testid="score"' in answer.text
    return statuses


def test_fifty_users_answer_at_once_without_errors(tmp_path: Path) -> None:
    with serving(tmp_path) as url:
        with ThreadPoolExecutor(USERS) as pool:
            results = list(pool.map(lambda n: _user(url, n), range(USERS)))
        assert all(s == 200 for statuses in results for s in statuses), results
        home = httpx.get(url).text
        assert len(re.findall(r'<a href="/drafts/[0-9a-f]{16}">Firm \d+</a>', home)) == USERS


def test_a_restart_loses_no_answer(tmp_path: Path) -> None:
    with serving(tmp_path) as url, httpx.Client(base_url=url, follow_redirects=True) as client:
        client.get("/")
        csrf = client.cookies["lc_csrf"]
        draft = client.post(
            "/drafts", data={"csrf": csrf, "packs": [PACK], "firm": "Kept"}
        ).url.path
        client.post(
            f"{draft}/answers",
            data={"processing.publication.used": "no"},
            headers={"X-CSRF-Token": csrf},
        )
    with serving(tmp_path) as url:
        page = httpx.get(f"{url}{draft}").text
        assert re.search(r'name="processing\.publication\.used" value="no" checked', page)


def test_serve_refuses_a_pack_that_differs_from_the_lock(tmp_path: Path) -> None:
    """The web app loads packs as every command does: a pack changed since `packs lock` is
    refused, naming the changed file, where it would otherwise be assessed silently."""
    packs = tmp_path / "packs"
    packs.mkdir()
    made = run_process("packs", "new", "acme-credit", "--extends", PACK, cwd=packs)
    assert made.returncode == 0, made.stdout + made.stderr
    lock = tmp_path / "licensecheck.lock"
    code, out, err = run(
        "packs", "lock", "acme-credit", "--pack-path", str(packs), "--lock", str(lock)
    )
    assert code == 0, out + err
    body = b"schema_version: 1\ncompany:\n  name: Acme\n"
    extra = ("--pack-path", str(packs), "--lock", str(lock))
    with serving(tmp_path / "ws", *extra) as url:
        done = httpx.post(f"{url}/api/v1/assess", params={"pack": "acme-credit"}, content=body)
        assert done.status_code == 200, done.text
    rules = next((packs / "acme-credit").glob("*.rules"))
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    with serving(tmp_path / "ws", *extra) as url:
        done = httpx.post(f"{url}/api/v1/assess", params={"pack": "acme-credit"}, content=body)
        assert done.status_code in (400, 422), done.text
        assert "differs from licensecheck.lock" in done.text
        assert rules.name in done.text
