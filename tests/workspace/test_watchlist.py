"""Watchlists: CSV and YAML read with every problem at file:line:col; matching by identifier,
normalised name and alias, each match citing its source."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.cli import run
from licensecheck import codes
from licensecheck.errors import WatchlistError
from licensecheck.workspace.watchlist import Watchlist, WatchlistEntry, import_watchlist

CSV = (
    "name,aliases,registration_id,source,date,reason\n"
    '"Hongtu Data Technology Co.,Ltd.",Hongtu Big Data;宏图大数据,,Court judgment (2019) 1234,'
    "2019-11-20,crawling\n"
    "Sunrise Data Company Limited,,,PBOC notice 17,2020-06-03,unlicensed credit business\n"
    "Tianlang Information Co. Ltd,,91420000MA4AXV06UW,Association list,,renamed\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list[tuple[int, int, str]]:
    with pytest.raises(WatchlistError) as caught:
        import_watchlist(path)
    found = []
    for d in caught.value.diagnostics:
        assert d.span is not None and d.span.file == str(path)
        found.append((d.span.line, d.span.column, d.message))
    return found


def test_a_csv_watchlist_is_read_with_aliases_dates_and_where_each_entry_is(tmp_path: Path) -> None:
    entries = import_watchlist(_write(tmp_path, "w.csv", CSV))
    assert [e.name for e in entries] == [
        "Hongtu Data Technology Co.,Ltd.",
        "Sunrise Data Company Limited",
        "Tianlang Information Co. Ltd",
    ]
    assert entries[0].aliases == ("Hongtu Big Data", "宏图大数据")
    assert entries[0].date == dt.date(2019, 11, 20)
    assert entries[2].registration_id == "91420000MA4AXV06UW" and entries[2].date is None
    assert [e.origin.format() for e in entries if e.origin] == [
        f"{tmp_path / 'w.csv'}:{line}:1" for line in (2, 3, 4)
    ]


def test_a_yaml_watchlist_holds_the_same_entries_as_its_csv(tmp_path: Path) -> None:
    yaml = """\
entries:
  - name: "Hongtu Data Technology Co.,Ltd."
    aliases: [Hongtu Big Data, 宏图大数据]
    source: Court judgment (2019) 1234
    date: 2019-11-20
    reason: crawling
  - {name: Sunrise Data Company Limited, source: PBOC notice 17, date: 2020-06-03,
     reason: unlicensed credit business}
  - name: Tianlang Information Co. Ltd
    registration_id: "91420000MA4AXV06UW"
    source: Association list
    reason: renamed
"""
    from_yaml = import_watchlist(_write(tmp_path, "w.yaml", yaml))
    assert from_yaml == import_watchlist(_write(tmp_path, "w.csv", CSV))
    assert from_yaml[2].origin is not None and from_yaml[2].origin.line == 9


def test_matches_by_alias_full_width_name_and_registration_id(tmp_path: Path) -> None:
    watchlist = Watchlist(import_watchlist(_write(tmp_path, "w.csv", CSV)))
    by_alias = watchlist.match(["宏图 大数据 有限公司"])
    assert [(m.how, m.matched, m.entry.name) for m in by_alias] == [
        ("alias", "宏图大数据", "Hongtu Data Technology Co.,Ltd.")
    ]
    full_width = watchlist.match(["ＳＵＮＲＩＳＥ　ＤＡＴＡ　ＣＯ．，ＬＴＤ．"])
    assert [(m.how, m.entry.name) for m in full_width] == [("name", "Sunrise Data Company Limited")]
    by_id = watchlist.match(["Anxin Identity Verification Co., Ltd."], ["91420000ma4axv06uw"])
    assert [(m.how, m.entry.name) for m in by_id] == [
        ("registration_id", "Tianlang Information Co. Ltd")
    ]
    assert "Association list" in by_id[0].describe()
    assert "PBOC notice 17, 2020-06-03" in full_width[0].describe()
    assert watchlist.match(["Sunrise Dating Co., Ltd."], ["91110000X"]) == []


def test_an_entry_matched_by_identifier_and_name_is_one_match() -> None:
    entry = WatchlistEntry("Alpha Data Co., Ltd.", "list", ("Alpha",), "ID-1")
    matches = Watchlist([entry]).match(["Alpha Data", "Alpha"], ["id-1"])
    assert [(m.how, m.matched) for m in matches] == [("registration_id", "ID-1")]


def test_an_entry_survives_its_round_trip_through_rows(tmp_path: Path) -> None:
    entries = import_watchlist(_write(tmp_path, "w.csv", CSV))
    again = [WatchlistEntry.from_row(e.as_row()) for e in entries]
    assert again == entries
    assert [e.origin for e in again] == [e.origin for e in entries]


def test_a_missing_column_is_named_at_the_header(tmp_path: Path) -> None:
    path = _write(tmp_path, "w.csv", "name,aliases,date\nAlpha,,2020-01-01\n")
    assert _problems(path) == [
        (1, 1, "the header has no 'source' column (name and source are required)")
    ]


def test_an_unknown_column_suggests_the_right_one(tmp_path: Path) -> None:
    path = _write(tmp_path, "w.csv", "name,source,dates\nAlpha,list,2020-01-01\n")
    assert _problems(path) == [(1, 13, "unknown column 'dates' (did you mean 'date'?)")]


def test_every_bad_row_is_reported_at_its_cell(tmp_path: Path) -> None:
    text = (
        "name,source,date,registration_id\n"
        "Alpha,list,2020-02-30,\n"
        "Beta,,2020-01-01,\n"
        "Gamma,list,20200101,\n"
        "Delta,list,2020-01-01,X,extra\n"
    )
    assert _problems(_write(tmp_path, "w.csv", text)) == [
        (2, 12, "the row at line 2: 'date': '2020-02-30' does not exist (2020-02 has no day 30)"),
        (3, 1, "the row at line 3: required 'source' is missing or empty"),
        (4, 12, "the row at line 4: 'date': '20200101' is not a date (YYYY-MM-DD)"),
        (5, 25, "the row at line 5 has 5 values but the header names 4 columns"),
    ]


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ('"Alpha" Data,list\n', 8, "text after the closing quote of a value"),
        ('Alpha "Data",list\n', 7, "a quote inside an unquoted value"),
        ('"Alpha,list\n', 1, "this quoted value is never closed"),
    ],
)
def test_bad_csv_quoting_is_a_syntax_error_at_its_place(
    tmp_path: Path, row: str, column: int, message: str
) -> None:
    path = _write(tmp_path, "w.csv", "name,source\n" + row)
    with pytest.raises(WatchlistError) as caught:
        import_watchlist(path)
    [diagnostic] = caught.value.diagnostics
    assert diagnostic.code == codes.SYNTAX
    assert diagnostic.span is not None
    assert (diagnostic.span.line, diagnostic.span.column, diagnostic.message) == (
        2,
        column,
        message,
    )


def test_quoted_values_keep_commas_quotes_and_line_breaks(tmp_path: Path) -> None:
    text = 'name,source,reason\r\n"Alpha, ""the"" firm",list,"two\nlines"\r\nBeta,list,x\r\n'
    entries = import_watchlist(_write(tmp_path, "w.csv", text))
    assert [(e.name, e.reason) for e in entries] == [
        ('Alpha, "the" firm', "two\nlines"),
        ("Beta", "x"),
    ]
    assert entries[1].origin is not None and entries[1].origin.line == 4


def test_yaml_type_errors_are_each_reported_at_their_key(tmp_path: Path) -> None:
    yaml = """\
entries:
  - name: Alpha
    aliases: Alpha Info
    source: list
    date: 2019-13-01
  - name: 12
    source: court
    registration_id: 9111
    dates: 2020-01-01
  - just a name
  - {name: Gamma}
"""
    assert _problems(_write(tmp_path, "w.yaml", yaml)) == [
        (3, 5, "entries[0]: 'aliases' must be a list of names, not the string \"Alpha Info\""),
        (5, 5, "entries[0]: 'date': '2019-13-01' does not exist (month 13)"),
        (6, 5, "entries[1]: 'name' must be text, not the number 12"),
        (8, 5, "entries[1]: 'registration_id' must be text, not the number 9111"),
        (9, 5, "entries[1]: unknown key 'dates' (did you mean 'date'?)"),
        (
            10,
            5,
            "entries[2]: an entry is a mapping of name, aliases, registration_id, source, date, "
            'reason, not the string "just a name"',
        ),
        (11, 5, "entries[3]: required 'source' is missing or empty"),
    ]


def test_a_yaml_watchlist_that_holds_no_list_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "w.yaml", "entries: {name: Alpha}\n")
    [(line, column, message)] = _problems(path)
    assert (line, column) == (1, 1)
    assert message.startswith("a watchlist holds a list of entries")


def test_a_file_of_another_kind_is_refused(tmp_path: Path) -> None:
    assert _problems(_write(tmp_path, "w.txt", "name,source\n")) == [
        (1, 1, "a watchlist is a .csv, .yaml, .yml or .json file")
    ]


def test_watchlist_check_lists_the_entries(tmp_path: Path) -> None:
    path = _write(tmp_path, "w.csv", CSV)
    status, out, err = run("watchlist", "check", path)
    assert (status, err) == (0, "")
    assert out.splitlines()[0] == f"{path}: 3 entries"
    assert f"{path}:3:1  Sunrise Data Company Limited  (PBOC notice 17, 2020-06-03)" in out


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "missing.csv",
            "name,date\nA,2020-01-01\n",
            "missing.csv:1:1: error: the header has no 'source'",
        ),
        (
            "date.csv",
            "name,source,date\nA,s,2020-02-30\n",
            "date.csv:2:5: error: the row at line 2",
        ),
        (
            "quote.csv",
            'name,source\n"A"x,s\n',
            "quote.csv:2:4: error: text after the closing quote",
        ),
        (
            "types.yaml",
            "- {name: A, source: [s]}\n",
            "types.yaml:1:13: error: entries[0]: 'source' must be text",
        ),
    ],
)
def test_a_malformed_watchlist_exits_2_naming_file_line_and_column(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    path = _write(tmp_path, name, text)
    for args in (
        ("watchlist", "check", path),
        ("suppliers", "--pack", "starter", tmp_path / "none", "--watchlist", path),
    ):
        status, out, err = run(*args)
        assert status == 2 and out == ""
        assert f"{tmp_path}/{expected}" in err


_cell = st.text(
    alphabet=st.sampled_from([*'ab 数据,;"\n\r\t.()', "\u3000"]), min_size=0, max_size=12
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_cell, _cell, _cell), min_size=1, max_size=5))
def test_any_csv_the_standard_library_writes_reads_back_the_same(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, str]]
) -> None:
    rows = [
        (f"n{i}{name}", f"s{i}{source}", reason) for i, (name, source, reason) in enumerate(rows)
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(["name", "source", "reason"])
    writer.writerows(rows)
    path = tmp_path_factory.mktemp("csv") / "w.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    entries = import_watchlist(path)
    assert [(e.name, e.source, e.reason or "") for e in entries] == [
        (name.strip(), source.strip(), reason.strip()) for name, source, reason in rows
    ]
