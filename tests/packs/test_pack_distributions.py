"""Packs as Python distributions: the template project in docs/ built into a wheel, installed
with pip, and used by id from another folder; entry points that clash or lead nowhere."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.cli import run
from licensecheck import codes
from licensecheck.errors import PackError
from licensecheck.packs.distributions import distribution_pack_dir, distribution_packs
from licensecheck.packs.loader import load_pack

TEMPLATE = Path(__file__).parents[2] / "docs" / "templates" / "pack-distribution"
EXAMPLE = Path(__file__).parents[2] / "examples" / "demo-credit-scoring.yaml"
PACK = "acme-credit"


def _pip(*args: str | Path, cwd: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "--disable-pip-version-check", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _licensecheck(*args: str, cwd: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """licensecheck as a user runs it after `pip install`: a new process whose path holds the
    installed distribution (the PYTHONPATH the target folder is on)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path[1:]])}
    return subprocess.run(
        [sys.executable, "-m", "licensecheck", "--no-config", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template built into a wheel (offline, no build isolation) and pip-installed into a
    folder of its own; returns that folder (a site directory)."""
    work = tmp_path_factory.mktemp("pack-distribution")
    source = work / "acme-packs"
    shutil.copytree(TEMPLATE, source)
    _pip(
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "--no-index",
        "-w",
        work / "dist",
        ".",
        cwd=source,
    )
    (wheel,) = (work / "dist").glob("acme_packs-1.0.0-*.whl")
    site = work / "site"
    _pip("install", "--no-deps", "--no-index", "--target", site, wheel, cwd=work)
    return site


def test_an_installed_pack_distribution_is_listed_and_used_by_id(
    installed: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "firm"
    elsewhere.mkdir()
    listed = _licensecheck("packs", "list", "--format", "json", cwd=elsewhere, site=installed)
    assert listed.returncode == 0, listed.stderr
    acme = {p["id"]: p for p in json.loads(listed.stdout)}[PACK]
    assert acme["source"] == "distribution acme-packs==1.0.0"
    assert acme["version"] == "1.0.0" and acme["signature"] == "unsigned"
    assert acme["digest"].startswith("sha256:")

    shutil.copy(EXAMPLE, elsewhere / "firm.yaml")
    checked = _licensecheck(
        "check", "firm.yaml", "--pack", PACK, "--format", "json", cwd=elsewhere, site=installed
    )
    assert checked.returncode in (0, 1), checked.stderr
    rules = {f["rule_id"] for f in json.loads(checked.stdout)["findings"]}
    assert "AC-CLI-001" in rules and any(r.startswith("ST-") for r in rules)  # and its parent

    locked = _licensecheck("packs", "lock", PACK, cwd=elsewhere, site=installed)
    assert locked.returncode == 0, locked.stderr
    assert f"({'distribution acme-packs==1.0.0'})" in locked.stdout
    # without the distribution the id is unknown again: nothing was copied anywhere
    gone = subprocess.run(
        [
            sys.executable,
            "-m",
            "licensecheck",
            "--no-config",
            "explain",
            "AC-CLI-001",
            "--pack",
            PACK,
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert gone.returncode == 2 and f"no pack '{PACK}'" in gone.stderr


def _dist_info(site: Path, name: str, version: str, entry_points: str) -> None:
    """An installed distribution's metadata as pip writes it (what importlib.metadata reads)."""
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[licensecheck.packs]\n{entry_points}\n")


def _pack_package(site: Path, package: str) -> None:
    shutil.copytree(TEMPLATE / "acme_packs" / PACK, site / package / PACK)
    (site / package / "__init__.py").write_text("raise RuntimeError('never imported')\n")


def test_an_entry_point_is_found_without_importing_its_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pack_package(tmp_path, "acme_packs")
    _dist_info(tmp_path, "acme-packs", "2.0.0", f"{PACK} = acme_packs")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert distribution_pack_dir(PACK) == tmp_path / "acme_packs" / PACK
    loaded = load_pack(PACK)  # the package's __init__ would raise if it ran
    assert loaded.manifest.id == PACK and loaded.root == (tmp_path / "acme_packs" / PACK)
    assert "acme_packs" not in sys.modules


def test_bundled_and_pack_path_packs_come_before_installed_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The documented order: pack path, bundled packs, then installed distributions."""
    _pack_package(tmp_path, "acme_packs")
    _dist_info(tmp_path, "acme-packs", "2.0.0", f"{PACK} = acme_packs\nstarter = acme_packs")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert load_pack("starter").root.parent.name == "policies"  # the bundled one
    on_path = tmp_path / "mine"
    shutil.copytree(TEMPLATE / "acme_packs" / PACK, on_path / PACK)
    assert load_pack(PACK, pack_path=[on_path]).root == (on_path / PACK).resolve()


def test_two_distributions_offering_one_id_are_refused_naming_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pack_package(tmp_path, "acme_packs")
    _pack_package(tmp_path, "rival_packs")
    _dist_info(tmp_path, "acme-packs", "2.0.0", f"{PACK} = acme_packs")
    _dist_info(tmp_path, "rival-packs", "0.3.0", f"{PACK} = rival_packs")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(PackError) as caught:
        load_pack(PACK)
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.code == codes.PACK_DISTRIBUTION
    assert "acme-packs==2.0.0 and rival-packs==0.3.0" in diagnostic.message
    monkeypatch.chdir(tmp_path)
    code, _, err = run("--no-config", "explain", "AC-CLI-001", "--pack", PACK)
    assert code == 2 and "two installed distributions offer the pack" in err


@pytest.mark.parametrize("value", ["missing_package", "acme_packs.nowhere", "../escape", "a b"])
def test_an_entry_point_leading_nowhere_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    _pack_package(tmp_path, "acme_packs")
    _dist_info(tmp_path, "broken-packs", "1.0.0", f"{PACK} = {value}")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert [p.folder for p in distribution_packs() if p.id == PACK] == [None]
    with pytest.raises(PackError) as caught:
        load_pack(PACK)
    assert "broken-packs==1.0.0" in caught.value.diagnostics[0].message
    assert "names no folder holding acme-credit/pack.yaml" in caught.value.diagnostics[0].message
