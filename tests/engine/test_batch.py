"""Batches: several files or folders, a combined summary, --jobs identical to serial, progress."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import licensecheck
from helpers.batches import assessed_by
from helpers.cli import run
from helpers.paths import REPO

DEMO = REPO / "examples" / "demo-credit-scoring.yaml"
AS_OF = "2026-01-15"
PACK = "cn-credit-reporting"
KINDS = ["first_party", "crawled", "purchased", "operator_channel"]
SUBJECTS = ["individual", "enterprise"]


def generate(folder: Path, count: int) -> list[Path]:
    """``count`` small, varied declarations (deterministic)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"firm-{i:04d}.yaml"
        path.write_text(
            "schema_version: 1\n"
            f"company: {{name: Firm {i}, registered_capital_cny: {(i * 7919) % 80_000_000}}}\n"
            "business_lines:\n"
            f"  - {{id: bl-1, kind: credit_scoring, subject_type: {SUBJECTS[i % 2]}, "
            f"provides_credit_information: {'true' if i % 3 else 'false'}}}\n"
            "data_sources:\n"
            f"  - {{id: ds-1, kind: {KINDS[i % 4]}, contains_personal_info: {'true' if i % 5 else 'false'}, "
            f"collection: {{bypasses_anti_crawling: {'true' if i % 7 == 0 else 'false'}}}}}\n",
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def test_folders_expand_to_their_declarations(tmp_path: Path) -> None:
    folder = tmp_path / "firms"
    (folder / "sub").mkdir(parents=True)
    (folder / ".git").mkdir()
    for name in ("b.yml", "a.yaml", "c.json", "sub/d.yaml", ".hidden.yaml", ".git/x.yaml"):
        text = DEMO.read_text(encoding="utf-8")
        if name.endswith(".json"):
            import yaml

            text = json.dumps(yaml.safe_load(text), default=str)
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "notes.txt").write_text("not a declaration", encoding="utf-8")
    found = licensecheck.find_declarations([folder, folder / "a.yaml"])
    assert found == [str(folder / n) for n in ("a.yaml", "b.yml", "c.json", "sub/d.yaml")]
    code, out, _ = run("check", "--pack", "starter", str(folder), "--as-of", AS_OF)
    assert code == 1
    assert out.count("licensecheck 0.1.0 · starter") == 4
    summary = out[out.index("4 files") :]
    assert summary.splitlines()[0] == "4 files  ·  0 ready  ·  4 not ready  ·  0 with errors"
    assert f"NOT READY   26/100  {folder / 'a.yaml'}" in summary


def test_a_scan_compares_real_paths_through_links(tmp_path: Path) -> None:
    """A scan knows each file's real path, through a linked folder given on the command
    line and through links inside the folder: the run's own files (excluded, or an output
    that is a declaration) are recognised by where they really are."""
    from licensecheck.engine.batch import expand_paths

    folder = tmp_path / "firms"
    (folder / "sub").mkdir(parents=True)
    for name in ("a.yaml", "sub/b.yaml"):
        (folder / name).write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "inside.yaml").symlink_to(folder / "sub" / "b.yaml")  # a link within: read
    (folder / "linked-sub").symlink_to(folder / "sub")  # a linked folder: not descended into
    through = tmp_path / "through"
    through.symlink_to(folder)
    found = expand_paths([through])
    assert found == [str(through / n) for n in ("a.yaml", "inside.yaml", "sub/b.yaml")]
    assert expand_paths([through], exclude=[folder / "sub" / "b.yaml"]) == [
        str(through / "a.yaml")  # the link to it is the same file, left out with it
    ]
    with pytest.raises(licensecheck.UsageError, match="would overwrite a declaration"):
        expand_paths([through], outputs=[folder / "a.yaml"])


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.yaml", "missing.yaml does not exist"),
        (lambda p: p, "holds no declarations"),
    ],
)
def test_paths_that_give_nothing_are_usage_errors(
    tmp_path: Path, make: object, message: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    code, out, err = run("check", "--pack", "starter", str(path))
    assert code == 2 and out == "" and message in err


def test_a_broken_file_does_not_stop_the_batch(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\ncompany:\n  name: X\n  registered_capital_cny: [1]\n")
    code, out, err = run(
        "check", "--pack", "starter", str(good), str(bad), "--as-of", AS_OF, "--format", "json"
    )
    assert code == 2
    assert f"{bad}:4:3: error: company.registered_capital_cny" in err
    report = json.loads(out)
    schema = json.loads((REPO / "schemas" / "batch-report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(report)
    assert report["summary"] == {
        "files": 2,
        "ready": 0,
        "not_ready": 1,
        "errors": 1,
        "by_status": report["results"][0]["report"]["summary"]["counts"]["by_status"],
    }
    ok, broken = report["results"]
    assert ok["outcome"] == "not_ready" and ok["score"] == 26
    assert broken["outcome"] == "error" and broken["report"] is None
    assert broken["errors"][0]["line"] == 4 and broken["errors"][0]["file"] == str(bad)
    # one file alone keeps the single-file behaviour: no output, the error, exit 2
    code, out, err = run("check", "--pack", "starter", str(bad), "--format", "json")
    assert (code, out) == (2, "") and f"{bad}:4:3" in err


def test_jobs_auto_runs_a_process_per_cpu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--jobs auto`` (or ``jobs = "auto"`` in the configuration) asks for one worker per
    CPU the process may use; the output is the serial run's."""
    import licensecheck.api as api
    from licensecheck.engine import batch

    paths = generate(tmp_path / "firms", 6)
    asked = []
    real = api.start_batch

    def recorded(*args: object, **kwargs: object) -> object:
        asked.append(kwargs["jobs"])
        return real(*args, **kwargs)

    monkeypatch.setattr(api, "start_batch", recorded)
    monkeypatch.setattr(batch, "available_cpus", lambda: 3)
    args = ["check", "--pack", PACK, *map(str, paths), "--as-of", AS_OF, "--format", "json"]
    serial = run(*args, "-j", "1")
    assert run(*args, "-j", "auto") == serial
    monkeypatch.chdir(tmp_path)
    (tmp_path / "licensecheck.toml").write_text('jobs = "auto"\n', encoding="utf-8")
    assert run(*args) == serial
    assert asked == [1, 3, 3]
    code, _, err = run(*args, "-j", "many")
    assert code == 2 and "'many' is not a whole number or 'auto'" in err


def test_a_thousand_declarations_in_two_processes_match_a_serial_run(tmp_path: Path) -> None:
    generate(tmp_path / "firms", 1000)
    outputs = {}
    for jobs in ("1", "2"):
        for fmt in ("json", "sarif"):
            target = tmp_path / f"{jobs}.{fmt}"
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "licensecheck",
                    "check",
                    "--pack",
                    "starter",
                    "firms",
                    "--as-of",
                    AS_OF,
                    "--format",
                    fmt,
                    "--jobs",
                    jobs,
                    "-o",
                    str(target),
                ],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert done.returncode == 1, done.stderr[-2000:]
            assert done.stderr == ""  # no progress bar: stderr is not a terminal
            outputs[jobs, fmt] = target.read_bytes()
    assert outputs["1", "json"] == outputs["2", "json"]
    assert outputs["1", "sarif"] == outputs["2", "sarif"]
    report = json.loads(outputs["2", "json"])
    assert report["summary"]["files"] == 1000
    assert [r["declaration"] for r in report["results"]] == [
        os.path.join("firms", f"firm-{i:04d}.yaml") for i in range(1000)
    ]
    assert len({r["score"] for r in report["results"]}) > 3  # the generated firms differ


def test_the_api_gives_the_same_batch_in_parallel(tmp_path: Path) -> None:
    paths = generate(tmp_path / "firms", 12)
    seen: list[str] = []
    serial = licensecheck.assess_many(
        paths, "starter", as_of=AS_OF, on_result=lambda i: seen.append(i.source)
    )
    parallel = licensecheck.assess_many(paths, "starter", as_of=AS_OF, jobs=3)
    assert seen == [str(p) for p in paths]
    assert serial.items == parallel.items
    assert serial.items[5].assessment == licensecheck.assess(paths[5], "starter", as_of=AS_OF)
    assert licensecheck.exit_code(serial) == max(
        licensecheck.exit_code(a) for a in serial.assessments
    )


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_forked_and_spawned_workers_give_the_serial_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    """A forked worker takes the parent's compiled pack as it is; a spawned one compiles its
    own from the pickled parsed pack: the same items either way. Forked workers start at
    once, so both take part even in a short batch, and they take its first files. A batch
    long enough for generated code builds it before forking (each worker inherits it); a
    spawned worker builds its own, and the parent none."""
    import multiprocessing

    from licensecheck.engine import batch, evaluate

    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} here")
    monkeypatch.setattr(batch, "_start_method", lambda: method)
    paths = generate(tmp_path / "firms", 40)
    serial = licensecheck.assess_many(paths, PACK, as_of=AS_OF)
    monkeypatch.setattr(evaluate, "EXPLAINED_BATCH_GENERATE_AFTER", 3)  # 20 files a worker pay
    run = licensecheck.start_batch(paths, PACK, as_of=AS_OF, jobs=2)
    finished = run.finished(assessed_by)
    first = next(finished)
    # the parent has assessed at most the first chunk (two files) by now
    assert bool(run.pack._generated) == (method == "fork")
    by, items = zip(first, *finished, strict=True)
    assert items == serial.items
    if method == "fork":
        assert len(set(by) - {os.getpid()}) == 2
        # a forked worker is up at once: this process waits for it rather than taking the
        # first chunk itself, which would leave the workers idle meanwhile
        assert os.getpid() not in by[:8]


def test_a_spawned_worker_builds_generated_code_when_its_share_pays_for_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import signal

    from licensecheck.engine import batch, evaluate
    from licensecheck.sources.limits import current_limits

    monkeypatch.setattr(evaluate, "EXPLAINED_BATCH_GENERATE_AFTER", 3)
    monkeypatch.setattr(batch, "_WORKER", [])
    pack = licensecheck.prepare_pack(PACK)
    rule_ids = tuple(c.rule.id for c in pack.rules)
    options = licensecheck.start_batch([], PACK, as_of=AS_OF).options
    built = []
    previous = signal.getsignal(signal.SIGINT)  # a worker ignores Ctrl-C: not this process
    try:
        for share in (2, 3):
            batch._start_worker(pack.checked.loaded, rule_ids, options, current_limits(), share)
            built.append(bool(batch._WORKER[-1][0]._generated))
    finally:
        signal.signal(signal.SIGINT, previous)
    assert built == [False, True]


def test_what_lives_before_a_batch_is_frozen_while_it_runs(tmp_path: Path) -> None:
    """The collector skips what was alive when the batch started, until it ends."""
    import gc

    paths = generate(tmp_path / "firms", 3)
    run = licensecheck.start_batch(paths, PACK, as_of=AS_OF)
    before = gc.get_freeze_count()
    during = [gc.get_freeze_count() for _ in run.items()]
    assert min(during) > before
    assert gc.get_freeze_count() == before


def test_workers_are_forked_only_while_one_thread_runs() -> None:
    """Forking copies one thread and every lock: with another thread running, spawn."""
    import threading

    from licensecheck.engine import batch

    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        pytest.skip("forks only on Linux, from a process running one thread")
    assert batch._start_method() == "fork"
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert batch._start_method() == "spawn"
    finally:
        stop.set()
        other.join()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    generate(tmp_path / "firms", 30)
    primary, secondary = os.openpty()
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "licensecheck",
                "check",
                "--pack",
                "starter",
                "firms",
                "--as-of",
                AS_OF,
                "--format",
                "json",
            ],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=secondary,
            timeout=120,
            check=False,
        )
        os.close(secondary)
        shown = b""
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(primary)
    assert done.returncode == 1
    assert b"Assessing" in shown and b"100%" in shown
    assert json.loads(done.stdout)["summary"]["files"] == 30  # stdout holds only the report


def test_the_runs_own_files_in_the_folder_are_not_declarations(tmp_path: Path) -> None:
    folder = tmp_path / "declarations"
    folder.mkdir()
    (folder / "firm.yaml").write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "waivers.yaml").write_text(
        "waivers:\n  - {rule: ST-GOV-002, reason: training booked}\n", encoding="utf-8"
    )
    report = folder / "report.json"
    args = [
        "check",
        "--pack",
        "starter",
        str(folder),
        "--as-of",
        AS_OF,
        "--waivers",
        str(folder / "waivers.yaml"),
    ]
    for _ in range(2):  # the second run finds the first run's report beside the declarations
        code, _, err = run(*args, "--format", "json", "-o", str(report))
        assert code == 1, err
    assert json.loads(report.read_text())["summary"]["files"] == 1
    code, _, err = run(*args, "--baseline", str(report), "-o", str(folder / "again.txt"))
    assert code == 0, err


def test_a_report_redirected_into_the_folder_is_not_read(tmp_path: Path) -> None:
    """``check folder > folder/report.json``: the shell creates the file, empty, before the
    run scans the folder; the scan knows it as standard output and leaves it out."""
    folder = tmp_path / "declarations"
    folder.mkdir()
    (folder / "firm.yaml").write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    report = folder / "report.json"
    command = [sys.executable, "-m", "licensecheck", "check", str(folder), "--pack", "starter"]
    with report.open("w", encoding="utf-8") as stdout:
        done = subprocess.run(
            [*command, "--as-of", AS_OF, "--format", "json"],
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""  # nothing left out: it was never a candidate
    batch = json.loads(report.read_text(encoding="utf-8"))
    assert [r["declaration"] for r in batch["results"]] == [str(folder / "firm.yaml")]


@pytest.mark.parametrize(
    ("fmt", "kind"),
    [
        ("json", "a licensecheck batch-report document"),
        ("sarif", "a SARIF log"),
        ("oscal", "an OSCAL assessment-results document"),
    ],
)
def test_an_earlier_report_under_any_name_is_left_out_with_a_warning(
    tmp_path: Path, fmt: str, kind: str
) -> None:
    folder = tmp_path / "declarations"
    folder.mkdir()
    (folder / "firm.yaml").write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _ = run("check", str(folder), "--pack", "starter", "--as-of", AS_OF, "-f", fmt)
    assert code == 1
    earlier = folder / f"last-week.{fmt}.json"
    earlier.write_text(out, encoding="utf-8")
    code, out, err = run("check", str(folder), "--pack", "starter", "--as-of", AS_OF, "--quiet")
    assert code == 1, err
    assert out.startswith("1 file  ·  0 ready  ·  1 not ready  ·  0 with errors")
    assert err.splitlines()[0] == (
        f"{earlier}:1:1: warning: left out of the scan: {kind}, not a declaration"
    )
    # a folder of reports alone holds no declarations, and the warnings say why
    (folder / "firm.yaml").rename(tmp_path / "firm.yaml")
    code, _, err = run("check", str(folder), "--pack", "starter", "--as-of", AS_OF)
    assert code == 2
    assert err.splitlines()[0].startswith(f"{earlier}:1:1: warning: left out of the scan")
    assert f"folder {folder} holds no declarations" in err
    # named on its own it is read as what it was given as, and fails as a declaration
    code, _, err = run("check", str(earlier), "--pack", "starter", "--as-of", AS_OF)
    assert code == 2
    assert "unknown key" in err


def test_a_declaration_that_names_its_schema_is_still_a_declaration(tmp_path: Path) -> None:
    import yaml

    folder = tmp_path / "declarations"
    folder.mkdir()
    data = {"$schema": "urn:licensecheck:schema:declaration:1", **yaml.safe_load(DEMO.read_text())}
    (folder / "firm.json").write_text(json.dumps(data, default=str), encoding="utf-8")
    notes: list[licensecheck.Diagnostic] = []
    assert licensecheck.find_declarations([folder], notes=notes) == [str(folder / "firm.json")]
    assert notes == []


def test_a_batch_of_one_file_says_file(tmp_path: Path) -> None:
    folder = tmp_path / "one"
    folder.mkdir()
    (folder / "a.yaml").write_text(DEMO.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _ = run("check", "--pack", "starter", str(folder), "--as-of", AS_OF)
    assert code == 1
    assert "1 file  ·  0 ready  ·  1 not ready  ·  0 with errors" in out


def test_ctrl_c_while_workers_start_is_no_traceback(tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group; a worker still importing used to print a
    KeyboardInterrupt traceback. Send it the moment the first worker process exists."""
    import signal
    import time

    folder = tmp_path / "decls"
    folder.mkdir()
    for i in range(8):
        (folder / f"d{i}.yaml").write_bytes(DEMO.read_bytes())
    command = [sys.executable, "-m", "licensecheck", "--no-config", "check", str(folder)]
    with subprocess.Popen(
        [*command, "--pack", "starter", "-j", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    ) as proc:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if children.exists() and children.read_text().split():
                break
            time.sleep(0.005)
        if proc.poll() is not None:
            _, err = proc.communicate(timeout=60)
            assert proc.returncode in (0, 1), err  # done before a worker was seen: no error
            pytest.skip("the batch finished before a worker was seen")
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err, err
    assert proc.returncode in (130, 1), err  # interrupted, or finished just before the signal


@settings(max_examples=30, deadline=None)
@given(
    n_chunks=st.integers(min_value=0, max_value=40),
    workers=st.integers(min_value=1, max_value=3),
    start_late=st.booleans(),
    take_back=st.booleans(),
)
def test_chunks_come_back_in_order_whoever_assesses_them(
    n_chunks: int, workers: int, start_late: bool, take_back: bool
) -> None:
    """This process takes chunks while the workers start, and once they have, only chunks
    queued for a worker at the end of the batch (none has begun them), and those only when
    it may ``take_back`` (a CPU is spare); the results still come in input order, and no
    more than FILES_IN_FLIGHT files per process (and a chunk) are taken and not yet given
    back."""
    from concurrent.futures import Future, ThreadPoolExecutor

    from licensecheck.engine import batch

    chunks = [[f"{c}-{i}" for i in range(3)] for c in range(n_chunks)]
    taken: list[str] = []
    given: list[str] = []
    by: dict[str, str] = {}

    def assess(who: str, files: Sequence[str]) -> list[str]:
        taken.append(files[0])
        outstanding = 3 * len(taken) - len(given)
        assert outstanding <= (workers + 1) * batch.FILES_IN_FLIGHT + 3
        by[files[0]] = who
        if who == "worker":
            time.sleep(0.002)
        return list(files)

    started: Future[None] = Future()
    if not start_late:
        started.set_result(None)
    with ThreadPoolExecutor(workers) as pool:
        submit = functools.partial(pool.submit, assess, "worker")
        here = functools.partial(assess, "here")
        for result in batch._in_order(
            iter(chunks), submit, here, workers, started, take_back=take_back
        ):
            given.append(result)
            if start_late and len(given) == 6:
                started.set_result(None)  # the workers are ready from the third chunk on
    assert given == [f for c in chunks for f in c]
    if start_late and n_chunks > 2:
        assert by[chunks[0][0]] == by[chunks[1][0]] == "here"
    if not start_late:  # taken back from the workers' last window of chunks only
        window = -(-workers * batch.FILES_IN_FLIGHT // 3)
        here = [i for i, chunk in enumerate(chunks) if by[chunk[0]] == "here"]
        assert all(i >= n_chunks - window for i in here)
        if not take_back:
            assert here == []


def test_statuses_only_batches_never_trace(tmp_path: Path) -> None:
    """``witnesses=False`` (``check --quiet``): the same statuses, counts, scores and exit
    codes, and no rule is ever run traced; with a baseline the gaps are traced all the same."""
    folder = tmp_path / "firms"
    folder.mkdir()
    for example in sorted((REPO / "examples").glob("*.yaml")):
        # the demo declares evidence: a statuses-only run judges the assurance only of rules
        # demanding evidence (none in this pack), so it is not traced either
        (folder / example.name).write_bytes(example.read_bytes())
    full = licensecheck.assess_many([folder], PACK, as_of=AS_OF)
    bare = licensecheck.start_batch([folder], PACK, as_of=AS_OF, witnesses=False)
    items = list(bare.items())
    # a statuses-only run has no evidenced score: it needs the values that decided each pass,
    # which only a trace gives
    assert [i.assessment.summary for i in items if i.assessment] == [
        a.summary.model_copy(update={"evidenced_score": None}) for a in full.assessments
    ]
    assert [[f.status for f in i.assessment.findings] for i in items if i.assessment] == [
        [f.status for f in a.findings] for a in full.assessments
    ]
    assert any(f.status in ("fail", "unknown") for a in full.assessments for f in a.findings)
    assert not any(f.witnesses for i in items if i.assessment for f in i.assessment.findings)
    assert bare.pack._traced == {}  # built on first use: never used
    baseline = tmp_path / "baseline.json"
    baseline.write_text(licensecheck.render(full, "json"), encoding="utf-8")
    compared = licensecheck.start_batch(
        [folder], PACK, as_of=AS_OF, witnesses=False, baseline=baseline
    )
    assert compared.options.witnesses


def test_a_batch_long_enough_runs_generated_code_from_its_first_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Generated code pays once a pack has run GENERATE_AFTER evaluations, and sooner in a
    batch whose gaps are explained (EXPLAINED_BATCH_GENERATE_AFTER: the generated
    explanations pay too): a batch that many files long for each process builds it before
    its first file (before any worker is forked, so each inherits it), a shorter one keeps
    the closures; the items are the same either way."""
    from licensecheck.engine import batch, evaluate

    monkeypatch.setattr(evaluate, "EXPLAINED_BATCH_GENERATE_AFTER", 3)
    monkeypatch.setattr(evaluate, "GENERATE_AFTER", 5)
    paths = generate(tmp_path / "firms", 6)

    def built(files: int, jobs: int = 1, *, witnesses: bool = True) -> bool:
        run = licensecheck.start_batch(
            paths[:files], PACK, as_of=AS_OF, jobs=jobs, witnesses=witnesses
        )
        items = run.items()
        next(items)  # the first item (a forked batch waits for a worker's)
        generated = bool(run.pack._generated)
        list(items)  # the rest, so that the workers end here
        return generated

    assert [built(2), built(3)] == [False, True]
    # statuses only (--quiet): only the generated statuses pay, from GENERATE_AFTER
    assert [built(3, witnesses=False), built(5, witnesses=False)] == [False, True]
    if batch._start_method() == "fork":  # each worker's share counts
        assert [built(5, jobs=2), built(6, jobs=2)] == [False, True]
    short = licensecheck.start_batch(paths[:2], PACK, as_of=AS_OF)
    short_items = list(short.items())
    run = licensecheck.start_batch(paths[:3], PACK, as_of=AS_OF)
    assert run.pack is not short.pack  # each run prepares its own pack
    assert list(run.items())[:2] == short_items  # closures or generated code: the same
    assert not short.pack._generated and run.pack._generated
