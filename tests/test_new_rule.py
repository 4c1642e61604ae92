"""scripts/new_rule.py, run in a copy of the project: the exact files it writes, and a
stub rule that fails its fixture and docs tests until its check is written."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, copy_project

pytestmark = pytest.mark.slow  # copies the project and runs pytest in it

MODULE = '''"""## What it does
TODO: which objects and fields this rule reports, and which it leaves alone.

## Why is this bad?
TODO: what goes wrong in the cluster, for whom, and when.

## Example
```yaml
{manifest}```

## Use instead
```yaml
{manifest}```

## References
- TODO: the Kubernetes documentation page
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import Manifest, RuleContext, Violation, rule


@rule(
    id="replicas-odd",
    severity="info",
    kinds=("StatefulSet", "Deployment"),
    summary="an even number of replicas",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    # TODO: yield ctx.violation(path, message) at the key the user must edit. Until then
    # fixtures/replicas-odd/fail-example.yaml and the Example above fail their tests.
    yield from ()
'''
STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:{expect}
  name: example
spec:
  selector:
    matchLabels: {{app: example}}
  template:
    metadata:
      labels: {{app: example}}
    spec:
      containers:
        - name: app
          image: nginx:1.27
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the checkout, importable from its own directory: kubelint/rules and
    kubelint/schemas link to rules/ and schemas/ as the wheel lays them out, so the copy
    (not the installed checkout) is what the scaffold and the tests in it import."""
    copy_project(tmp_path)
    for name in ("scripts", "fixtures", "docs", "tests"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "kubelint" / "rules").symlink_to("../rules")
    (tmp_path / "kubelint" / "schemas").symlink_to("../schemas")
    return tmp_path


def run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run(
        [sys.executable, *args], cwd=project, env=env, capture_output=True, text=True, timeout=300
    )


def digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file() and not path.is_symlink() and "__pycache__" not in path.parts
    }


def test_scaffold_writes_the_rule_fixtures_and_docs_and_the_stub_fails(project):
    before = digests(project)
    readme = (project / "README.md").read_text(encoding="utf-8")
    result = run(
        project,
        "scripts/new_rule.py",
        "workloads",
        "replicas-odd",
        "--severity",
        "info",
        "--kinds",
        "StatefulSet,Deployment",
        "--summary",
        "an even number of replicas",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "wrote rules/workloads/replicas_odd.py\n"
        "wrote fixtures/replicas-odd/fail-example.yaml\n"
        "wrote fixtures/replicas-odd/pass-example.yaml\n"
        "next: write the check and the fixtures, then python -m pytest"
        " tests/test_rule_fixtures.py tests/test_rule_docs.py -k replicas-odd\n"
    )

    after = digests(project)
    assert sorted(set(after) - set(before)) == [
        "docs/rules/replicas-odd.md",
        "fixtures/replicas-odd/fail-example.yaml",
        "fixtures/replicas-odd/pass-example.yaml",
        "rules/workloads/replicas_odd.py",
    ]
    assert sorted(name for name in before if after.get(name) != before[name]) == [
        "README.md",
        "rules/catalog.json",
    ]
    written = (project / "rules/workloads/replicas_odd.py").read_text(encoding="utf-8")
    cataloged = json.loads((project / "rules/catalog.json").read_text(encoding="utf-8"))
    assert [entry for entry in cataloged if entry["id"] == "replicas-odd"] == [
        {
            "id": "replicas-odd",
            "module": "kubelint.rules.workloads.replicas_odd",
            "severity": "info",
            "summary": "an even number of replicas",
            "kinds": ["Deployment", "StatefulSet"],
            "enabled": True,
            "options": {},
            "aliases": [],
            "fixable": False,
            "url": "https://github.com/kubelint/kubelint/blob/main/docs/rules/replicas-odd.md",
            "category": "workloads",
            "controls": [],
            "doc": ast.get_docstring(ast.parse(written), clean=False),
        }
    ]
    assert (project / "rules/workloads/replicas_odd.py").read_text(encoding="utf-8") == (
        MODULE.format(manifest=STATEFULSET.format(expect=""))
    )
    assert (project / "fixtures/replicas-odd/fail-example.yaml").read_text(encoding="utf-8") == (
        "# TODO: every way this rule fires, each `# expect:` on the line reported.\n"
        + STATEFULSET.format(expect="  # expect: replicas-odd")
    )
    assert (project / "fixtures/replicas-odd/pass-example.yaml").read_text(encoding="utf-8") == (
        "# TODO: the near misses this rule must leave alone.\n" + STATEFULSET.format(expect="")
    )
    row = (
        "| [`replicas-odd`](docs/rules/replicas-odd.md) | workloads | info | yes | no"
        " | an even number of replicas |\n"
    )
    assert (project / "README.md").read_text(encoding="utf-8").replace(row, "", 1) == readme
    assert (
        (project / "docs/rules/replicas-odd.md")
        .read_text(encoding="utf-8")
        .startswith("# replicas-odd\n\nan even number of replicas\n")
    )

    # The stub passes its pass fixture and its docs' shape, and fails the rest.
    tests = run(
        project,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        "-rA",
        "tests/test_rule_fixtures.py",
        "tests/test_rule_docs.py",
        "-k",
        "replicas-odd",
    )
    assert tests.returncode == 1, tests.stdout + tests.stderr
    # The summary's " - reason" depends on the terminal's width.
    outcomes = sorted(
        line.partition(" - ")[0]
        for line in tests.stdout.splitlines()
        if line.startswith(("PASSED ", "FAILED ", "ERROR "))
    )
    assert outcomes == [
        "FAILED tests/test_rule_docs.py::test_example_triggers_and_use_instead_does_not"
        "[replicas-odd]",
        "FAILED tests/test_rule_fixtures.py::test_fixture[replicas-odd/fail-example.yaml]",
        "PASSED tests/test_rule_docs.py::test_docs_have_sections_in_order[replicas-odd]",
        "PASSED tests/test_rule_fixtures.py::test_fixture[replicas-odd/pass-example.yaml]",
    ]
    assert "AssertionError: the Example does not trigger replicas-odd" in tests.stdout
    assert "{('replicas-odd', 4, None): 1}" in tests.stdout  # expected at line 4, not found


def test_usage_errors_write_nothing(project):
    before = digests(project)
    result = run(
        project,
        "scripts/new_rule.py",
        "workload",
        "naked-pod",
        "--kinds",
        "pod",
        "--summary",
        "bare.",
    )
    assert result.returncode == 2
    assert result.stdout == ""
    categories = sorted(p.name for p in (ROOT / "rules").iterdir() if (p / "__init__.py").is_file())
    assert result.stderr == (
        f"new_rule.py: unknown category 'workload'; one of: {', '.join(categories)}\n"
        "new_rule.py: rule id 'naked-pod' is taken by 'naked-pod'\n"
        "new_rule.py: fixtures/naked-pod exists\n"
        "new_rule.py: --kinds needs Kubernetes kinds such as Deployment,StatefulSet"
        " (got 'pod')\n"
        "new_rule.py: --summary is a phrase: no final full stop\n"
    )
    assert digests(project) == before
