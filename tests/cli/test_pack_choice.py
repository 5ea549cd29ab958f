"""No pack named (issue #18): the packs that fit the declaration are listed — chosen from on a
terminal, an error with exit status 2 elsewhere — and never a silent default pack."""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import sys
from pathlib import Path

import pytest

from helpers.cli import run, run_process
from helpers.paths import REPO
from licensecheck.api import packs_that_fit
from licensecheck.packs.listing import packs_that_fit as fits_of

CN_CREDIT = REPO / "examples" / "demo-credit-scoring.yaml"
US_BROKER = REPO / "examples" / "us-data-broker.yaml"
AS_OF = "2026-11-15"
CN_PACKS = {"cn-credit-reporting", "cn-personal-information", "cn-data-collection-conduct"}


def listed_packs(stderr: str) -> list[str]:
    """The pack ids of the numbered list, in order."""
    return [
        line.split()[1]
        for line in stderr.splitlines()
        if line.strip()[:1].isdigit() and ". " in line
    ]


def test_a_cn_credit_firm_in_a_pipe_gets_the_cn_packs_and_exit_2() -> None:
    done = run_process("check", str(CN_CREDIT), "--as-of", AS_OF)
    assert done.returncode == 2 and done.stdout == ""
    assert "no pack given" in done.stderr and "--pack ID" in done.stderr
    assert 'pack = "ID" in licensecheck.toml' in done.stderr
    assert "Traceback" not in done.stderr
    packs = listed_packs(done.stderr)
    assert packs[0] == "cn-credit-reporting"  # the firm's credit-scoring line
    assert set(packs) >= CN_PACKS and "us-data-broker" not in packs
    assert "incorporated in CN" in done.stderr and "bl-score (credit_scoring)" in done.stderr


def test_a_us_broker_in_a_pipe_gets_us_data_broker() -> None:
    done = run_process("check", str(US_BROKER), "--as-of", AS_OF)
    assert done.returncode == 2
    assert listed_packs(done.stderr) == ["us-data-broker"]
    assert "data subjects in US-CA" in done.stderr


def test_in_process_too_the_error_lists_the_fitting_packs() -> None:
    code, out, err = run("check", CN_CREDIT, "--as-of", AS_OF)
    assert code == 2 and out == ""
    assert "cn-credit-reporting" in err


@pytest.mark.parametrize(
    "args",
    [
        ("report", str(US_BROKER)),
        ("plan", str(US_BROKER)),
        ("diff", str(US_BROKER), str(US_BROKER)),
        ("explain", "US-OR-001", str(US_BROKER)),
        ("waivers", "fingerprint", str(US_BROKER), "US-OR-001"),
        ("suppliers", str(US_BROKER)),
    ],
)
def test_every_command_that_assesses_a_declaration_asks_for_a_pack(args: tuple[str, ...]) -> None:
    code, _out, err = run(*args, "--as-of", AS_OF)
    assert code == 2, err
    assert "no pack given" in err and "us-data-broker" in err


def test_diff_of_two_reports_needs_no_pack(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    code, _, _ = run(
        "check", US_BROKER, "--pack", "us-data-broker", "--as-of", AS_OF, "-f", f"json={report}"
    )
    assert code == 1
    code, _out, err = run("diff", report, report)
    assert code == 0, err
    assert "no pack given" not in err


def test_init_and_explain_without_a_declaration_keep_the_starter_pack() -> None:
    code, out, _ = run("init")
    assert code == 0 and out.startswith("# A declaration for the pack starter ")
    code, out, _ = run("explain", "ST-GOV-002")
    assert code == 0 and "ST-GOV-002" in out


def test_the_configuration_s_pack_wins_silently(tmp_path: Path) -> None:
    shutil.copy(US_BROKER, tmp_path / "firm.yaml")
    (tmp_path / "licensecheck.toml").write_text('pack = "us-data-broker"\n', encoding="utf-8")
    done = run_process("check", "firm.yaml", "--as-of", AS_OF, "-f", "json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["pack"]["id"] == "us-data-broker"
    assert "no pack given" not in done.stderr and "fit" not in done.stderr


def _run_in_a_terminal(args: list[str], answer: bytes) -> tuple[int, str]:
    """Run licensecheck on a real pseudo-terminal, answer its prompt, return status and screen."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: licensecheck itself, its stdin and stderr the terminal
        os.execv(sys.executable, [sys.executable, "-m", "licensecheck", *args])
    screen = b""
    answered = False
    while True:
        ready, _, _ = select.select([fd], [], [], 60)
        if not ready:
            os.kill(pid, 9)
            raise AssertionError(f"no prompt within 60 s: {screen!r}")
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        screen += chunk
        if not answered and b"Pack to assess with" in screen:
            os.write(fd, answer)
            answered = True
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), screen.decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
@pytest.mark.parametrize("answer", [b"1\n", b"cn-credit-reporting\n"])
def test_on_a_terminal_the_chosen_pack_assesses(tmp_path: Path, answer: bytes) -> None:
    chosen = tmp_path / "chosen.json"
    expected = tmp_path / "expected.json"
    code, screen = _run_in_a_terminal(
        ["check", str(CN_CREDIT), "--as-of", AS_OF, "-f", f"json={chosen}"], answer
    )
    assert "No pack given" in screen and "1. cn-credit-reporting" in screen
    run(
        "check",
        CN_CREDIT,
        "--pack",
        "cn-credit-reporting",
        "--as-of",
        AS_OF,
        "-f",
        f"json={expected}",
    )
    assert code == 1
    assert chosen.read_bytes() == expected.read_bytes()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_on_a_terminal_a_wrong_answer_is_asked_again(tmp_path: Path) -> None:
    code, screen = _run_in_a_terminal(
        ["check", str(US_BROKER), "--as-of", AS_OF, "-q"], b"nonsense\n1\n"
    )
    assert "not one of" in screen or "invalid choice" in screen.lower()
    assert code == 1 and "NOT READY" in screen


def test_eu_packs_cover_the_eea_and_recipients_do_not_count() -> None:
    german = {"company": {"jurisdiction": "DE"}, "recipients": [{"country": "US"}]}
    assert [f.id for f in fits_of(german)] == ["eu-gdpr-data-broker"]
    norway = {"company": {"data_subject_jurisdictions": ["NO"]}}
    assert [f.id for f in fits_of(norway)] == ["eu-gdpr-data-broker"]
    assert fits_of({"company": {"jurisdiction": "JP"}}) == []


def test_home_jurisdiction_first_then_business_lines_then_baselines() -> None:
    declaration = {
        "company": {"jurisdiction": "US", "data_subject_jurisdictions": ["CN"]},
        "business_lines": [{"id": "crawl", "kind": "web_crawling"}],
    }
    fits = fits_of(declaration)
    assert [f.id for f in fits][:2] == ["us-data-broker", "cn-data-collection-conduct"]
    assert fits[1].reasons == ("data subjects in CN", "business lines crawl (web_crawling)")
    assert fits[-1].id == "starter"  # a taste, offered last among the CN packs


def test_the_api_reads_a_declaration_file() -> None:
    assert [f.id for f in packs_that_fit(US_BROKER)] == ["us-data-broker"]
