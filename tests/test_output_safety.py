"""Outputs never destroy inputs or devices, and a killed write leaves nothing behind for long
(issue #11 item 5). The refusals themselves are hostile scenarios
(tests/helpers/hostile_scenarios.py); this file checks what needs a clock or a killed process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers.paths import REPO
from licensecheck.errors import UsageError
from licensecheck.output import check_output_target, inputs_recorded, record_input, write_output

EXAMPLE = REPO / "examples" / "demo-credit-scoring.yaml"

KILLED_WRITE = """
import os, signal, sys, tempfile
fd, name = tempfile.mkstemp(prefix=".report.json.", suffix=".tmp", dir=sys.argv[1])
os.write(fd, b"half a rep")
os.kill(os.getpid(), signal.SIGKILL)  # what kill -9 during write_output leaves behind
"""


def test_stale_temporaries_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    killed = subprocess.run([sys.executable, "-c", KILLED_WRITE, str(tmp_path)], check=False)
    assert killed.returncode == -9
    (litter,) = tmp_path.glob(".report.json.*.tmp")
    not_ours = [tmp_path / ".report.json.tmp", tmp_path / ".other.json.abcdefgh.tmp"]
    for path in not_ours:
        path.write_text("someone else's")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "licensecheck",
            "--no-config",
            "check",
            str(EXAMPLE),
            "--pack",
            "starter",
            "--format",
            "json",
            "-o",
            str(tmp_path / "report.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert not litter.exists()
    assert all(path.exists() for path in not_ours)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [".other.json.abcdefgh.tmp", ".report.json.tmp", "report.json"]
    )


def test_a_temporary_file_newer_than_the_run_is_left_alone(tmp_path: Path) -> None:
    """Another run writing the same report right now owns it."""
    busy = tmp_path / ".report.json.abcd1234.tmp"
    busy.write_text("being written")
    future = time.time() + 3600
    os.utime(busy, (future, future))
    write_output(tmp_path / "report.json", "{}\n")
    assert busy.exists() and (tmp_path / "report.json").read_text() == "{}\n"


def test_a_file_read_by_the_run_cannot_be_the_output(tmp_path: Path) -> None:
    rules = tmp_path / "main.rules"
    rules.write_text("original")
    with inputs_recorded():
        record_input(rules)
        with pytest.raises(UsageError, match="would overwrite the input file"):
            write_output(rules, "report")
        write_output(rules, "reformatted", rewrite_input=True)  # packs fmt, in place
    assert rules.read_text() == "reformatted"
    write_output(rules, "outside a command, nothing is recorded")


@pytest.mark.parametrize("target", ["/dev/null", "/proc/self/status", "/sys/kernel"])
def test_system_files_are_refused(target: str) -> None:
    with pytest.raises(UsageError, match="device or system file"):
        check_output_target(Path(target))


@pytest.mark.parametrize("kernel", ["copies", "cannot copy", "absent"])
def test_a_spooled_file_is_written_whole_whoever_copies_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel: str
) -> None:
    """A chunk that is an open file (a spool of batch results) is copied by the kernel where
    it can, else read and written here: the same bytes in the same place either way, the
    file closed after, the text around it encoded."""
    import errno
    import tempfile

    from licensecheck import output

    calls = []
    if kernel == "copies" and hasattr(os, "copy_file_range"):
        real = os.copy_file_range

        def spy(*args: int) -> int:
            calls.append(args)
            return real(*args)

        monkeypatch.setattr(os, "copy_file_range", spy)
    elif kernel == "cannot copy":

        def refuse(*_args: object) -> int:
            raise OSError(errno.EXDEV, "cross-device")

        monkeypatch.setattr(os, "copy_file_range", refuse, raising=False)
    elif kernel == "absent":
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    spooled = "".join(f'    {{"n": {i}, "名": "数据{i}"}},\n' for i in range(100_000)).encode()
    spool = tempfile.TemporaryFile("w+b")  # noqa: SIM115 (write_output closes it: checked)
    spool.write(spooled)
    spool.seek(0)
    target = tmp_path / "out.json"
    write_output(target, ["[\n", spool, b"  {}\n", "]\n"])
    assert target.read_bytes() == b"[\n" + spooled + b"  {}\n]\n"
    assert spool.closed
    assert bool(calls) == (kernel == "copies" and sys.platform == "linux")
    assert output.joined(["a", b"\xe6\x95", b"\xb0"]) == "a数"  # a character split across blocks
