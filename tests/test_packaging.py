"""The wheel ships rules/ and schemas/ inside the kubelint package, and nothing else at
the top level (no generic ``rules`` module in site-packages)."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from tests.helpers import ROOT, copy_project

pytest.importorskip("setuptools")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory):
    # Build from a copy so the checkout stays clean (setuptools writes build/ and egg-info).
    source = tmp_path_factory.mktemp("src")
    copy_project(source)
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    [wheel] = out.glob("kubelint-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_only_kubelint_at_the_top_level(wheel_names):
    top = {name.split("/")[0] for name in wheel_names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"kubelint"}


def test_every_rule_module_and_schema_ships(wheel_names):
    expected = {
        "kubelint/rules/" + p.relative_to(ROOT / "rules").as_posix()
        for p in (ROOT / "rules").rglob("*.py")
    }
    expected |= {"kubelint/schemas/" + p.name for p in (ROOT / "schemas").glob("*.json")}
    expected |= {
        "kubelint/" + p.relative_to(ROOT / "kubelint").as_posix()
        for p in (ROOT / "kubelint").rglob("*.py")
    }
    expected.add("kubelint/py.typed")
    expected.add("kubelint/rules/catalog.json")
    assert expected - wheel_names == set()


def test_console_script_is_declared(wheel_names):
    assert any(name.endswith(".dist-info/entry_points.txt") for name in wheel_names)


#: The checkout's own package, as `python -m kubelint` at its root imports it when
#: kubelint is installed from a wheel: no installer's mapping of rules/ and schemas/.
AT_THE_ROOT = """
import sys
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in f.__module__]
sys.path.insert(0, sys.argv[1])
from kubelint.cli import main
sys.exit(main(["check", "examples/shop/nightly-report.yaml", "--no-config", "--no-cache"]))
"""


def test_a_checkout_runs_from_its_root():
    result = subprocess.run(
        [sys.executable, "-c", AT_THE_ROOT, str(ROOT)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.stderr == ""
    assert result.returncode == 1
    assert "examples/shop/nightly-report.yaml:" in result.stdout
