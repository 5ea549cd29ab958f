"""Property test: whatever text a declaration holds, the outputs people read stay inert.

Control characters, ESC sequences, newlines, workflow commands and Markdown/HTML
metacharacters are written into every free-text field of a real declaration; the text report,
the GitHub annotations, the Markdown gap report and the plan's CSV must neither carry a raw
control character, nor start a forged workflow command, nor grow a link, an image, HTML or a
table cell, nor hold a cell a spreadsheet would run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import licensecheck
from helpers.paths import REPO
from licensecheck.engine.compile import CompiledPack
from licensecheck.errors import LicenseCheckError

AS_OF = dt.date(2026, 1, 15)
EXAMPLE = REPO / "examples" / "crawler-firm-2019.yaml"
PACK = "cn-credit-reporting"

PIECES = [
    "\x1b[2J",
    "\x1b]0;title\x07",
    "\x1b]52;c;cm0=\x07",
    "\x1b]8;;https://e\x1b\\",
    "\x9b31m",
    "\x00",
    "\x07",
    "\x7f",
    "\x85",
    "\u202e",
    "\u2066",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "::error::forged",
    "::stop-commands::x",
    "%0A",
    "|",
    "\\",
    "\\|",
    "`",
    "[x](javascript:1)",
    "![](https://evil/p.png)",
    "[a][b]",
    "<img src=x>",
    "<script>",
    "&lt;",
    "*",
    "_",
    "#",
    "=1+1",
    "+1",
    "-1",
    "@SUM(1)",
    " ",
    "a",
    "数据",
]
HOSTILE = st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join)
CODE_SPAN = re.compile(r"(?<!\\)(`+)(?!`).*?(?<!`)\1(?!`)")
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@cache
def base() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return data


def string_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield from string_paths(child, (*path, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from string_paths(child, (*path, i))
    elif isinstance(value, str):
        yield path


def with_text(data: Any, path: tuple[Any, ...], text: str) -> Any:
    """A copy of ``data`` with ``text`` appended to the string at ``path``."""
    if not path:
        return data + text
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[path[0]] = with_text(data[path[0]], path[1:], text)
    return copy


@cache
def free_text_paths() -> tuple[tuple[Any, ...], ...]:
    """The string fields that take any text (not enums, dates, ids others refer to)."""
    free = []
    for path in string_paths(base()):
        try:
            licensecheck.load_declaration(with_text(base(), path, "\x1b|[x](y)\n"))
        except LicenseCheckError:
            continue
        free.append(path)
    return tuple(free)


@cache
def pack() -> CompiledPack:
    return licensecheck.prepare_pack(PACK)


def test_the_declaration_has_many_free_text_fields() -> None:
    assert len(free_text_paths()) >= 10


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(HOSTILE, min_size=1, max_size=3))
def test_outputs_stay_inert_whatever_the_declaration_says(texts: list[str]) -> None:
    data = base()
    for i, path in enumerate(free_text_paths()):
        data = with_text(data, path, texts[i % len(texts)])
    assessment = licensecheck.assess(data, pack(), as_of=AS_OF)
    text = licensecheck.render(assessment, "text", verbose=True)
    assert not RAW_CONTROL.findall(text)
    github = licensecheck.render(assessment, "github", pack=pack())
    assert_github_is_inert(github)
    report = licensecheck.gap_report(data, pack(), as_of=AS_OF)
    assert_markdown_is_inert(licensecheck.render_report(report, "markdown"))
    plan = licensecheck.plan(data, pack(), as_of=AS_OF)
    assert_csv_is_inert(licensecheck.render_plan(plan, "csv"))


def assert_github_is_inert(text: str) -> None:
    assert not RAW_CONTROL.findall(text)
    lines = text.splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert all(re.match(r"::(error|warning) file=", line) for line in commands), commands
    assert not any(line.startswith(":") for line in lines if line not in commands)
    assert len(lines) == len(commands) + 1  # the annotations, then one summary line


def assert_markdown_is_inert(text: str) -> None:
    assert not RAW_CONTROL.findall(text)
    # The one line the templates write links in: the pack's own legal sources (pack.yaml
    # ``sources``, http(s) only), made of no declaration value.
    text = re.sub(r"(?m)^Legal content reviewed on: .*\n", "", text)
    prose = CODE_SPAN.sub("", text)
    assert not re.search(r"<[A-Za-z/!?]", prose)  # no HTML: the templates write none
    # no inline link or image ("](") nor full reference ("][") opens: "[b] (" is text
    assert not re.search(r"(?<!\\)\[[^\]\n]*\][(\[]", text)
    cells = None
    for line in text.splitlines():  # every row of a table has its header's cells
        if not line.startswith("|"):
            cells = None
            continue
        count = len(re.findall(r"(?<!\\)(?:\\\\)*\|", line))
        cells = count if cells is None else cells
        assert count == cells, line


def assert_csv_is_inert(text: str) -> None:
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            number = re.fullmatch(r"-?[0-9.]+", cell)
            assert number or not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
