"""``--jobs``: worker processes give the same report as one process, byte for byte,
including checks that read objects of files another worker parsed, schemas defined in
another worker's files, and workers that die."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from kubelint.cli import main
from kubelint.lint import _can_fork
from tests.helpers import ROOT

pytestmark = pytest.mark.skipif(not _can_fork(), reason="--jobs forks its workers")

CRD = textwrap.dedent("""\
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata: {name: widgets.example.com}
    spec:
      group: example.com
      names: {kind: Widget, plural: widgets}
      scope: Namespaced
      versions:
        - name: v1
          served: true
          storage: true
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec:
                  type: object
                  properties:
                    size: {type: integer}
    """)

WIDGET = textwrap.dedent("""\
    apiVersion: example.com/v1
    kind: Widget
    metadata: {name: w, namespace: shop}
    spec:
      size: big
    """)

DEPLOYMENT = textwrap.dedent("""\
    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, namespace: shop}
    spec:
      replicas: 2
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers:
            - name: web
              image: nginx:1.27
    """)

SERVICE = textwrap.dedent("""\
    apiVersion: v1
    kind: Service
    metadata: {name: web, namespace: shop}
    spec:
      selector: {app: webb}
      ports: [{port: 80}]
    """)


def _tree(root, fillers: int = 9) -> None:
    (root / "app").mkdir()
    (root / "crd.yaml").write_text(CRD)
    (root / "widget.yaml").write_text(WIDGET)
    (root / "app" / "deploy.yaml").write_text(DEPLOYMENT)
    (root / "app" / "svc.yaml").write_text(SERVICE)
    for number in range(fillers):
        (root / f"config-{number}.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{number}, namespace: shop}}\n"
            f"data: {{key: value}}\n"
        )


def _run(capsys, *args: str) -> str:
    main(["check", "--no-config", "--format", "json", *args])
    return capsys.readouterr().out


def _found(output: str) -> set[tuple[str, str, int]]:
    return {(f["rule"], f["file"], f["line"]) for f in json.loads(output)["findings"]}


def test_workers_give_the_report_of_one_process(tmp_path, monkeypatch, capsys):
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    one = _run(capsys, "--jobs", "1", ".")
    # The custom resource is validated with the CRD of another file, and the Service
    # is checked against the Deployment of another file, whichever worker has them.
    assert {
        ("schema", "widget.yaml", 5),
        ("service-selector-no-match", "app/svc.yaml", 5),
        ("pdb-missing", "app/deploy.yaml", 5),
    } <= _found(one)
    for jobs in ("2", "3", "8"):
        assert _run(capsys, "--jobs", jobs, ".") == one


def test_the_bundled_examples_are_the_same_with_workers(monkeypatch, capsys):
    # Charts, kustomize overlays, policies and plain files together.
    monkeypatch.chdir(ROOT)
    one = _run(capsys, "--jobs", "1", "examples")
    assert _run(capsys, "--jobs", "3", "examples") == one


def test_standard_input_among_files_with_workers(tmp_path, monkeypatch, capsys):
    _tree(tmp_path)
    (tmp_path / "svc.yaml").write_text(SERVICE)  # in standard input's unit (the top)
    monkeypatch.chdir(tmp_path)
    outputs = []
    for jobs in ("1", "2"):
        with open(tmp_path / "app" / "deploy.yaml") as stdin:
            monkeypatch.setattr("sys.stdin", stdin)
            outputs.append(_run(capsys, "--jobs", jobs, "svc.yaml", "crd.yaml", "-", "widget.yaml"))
    assert outputs[0] == outputs[1]
    assert {
        ("service-selector-no-match", "svc.yaml", 5),
        ("schema", "widget.yaml", 5),
        ("pdb-missing", "<stdin>", 5),
    } <= _found(outputs[0])


#: A plugin whose rule kills any process but the one that started the run: in the first
#: pass (every object) or, reading the index first, in the second pass.
KILLER = textwrap.dedent("""\
    import os
    from kubelint.api import hookimpl, rule

    PARENT = int(os.environ["KUBELINT_TEST_PARENT"])

    @rule(id="kills-workers", severity="info", summary="kills workers")
    def check(obj, ctx):
        '''Names the ConfigMaps of its namespace.'''
        if os.environ.get("KUBELINT_TEST_PASS") == "second":
            ctx.index
        if os.getpid() != PARENT:
            os._exit(3)
        if obj.kind == "ConfigMap":
            yield ctx.violation(("metadata", "name"), "a ConfigMap")

    @hookimpl
    def kubelint_rules():
        return [check]
    """)


@pytest.mark.parametrize("stage", ["first", "second"])
def test_a_worker_that_dies_costs_time_not_findings(tmp_path, stage):
    _tree(tmp_path)
    (tmp_path / "killer.py").write_text(KILLER)
    (tmp_path / ".kubelint.yaml").write_text("plugins: [killer.py]\n")
    outputs = []
    for jobs in ("1", "3"):
        script = (
            "import os, sys; os.environ['KUBELINT_TEST_PARENT'] = str(os.getpid());"
            "from kubelint.cli import main; sys.exit(main(sys.argv[1:]))"
        )
        result = subprocess.run(
            [sys.executable, "-c", script, "check", "--format", "json", "--jobs", jobs, "."],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "KUBELINT_TEST_PASS": stage},
        )
        assert result.returncode == 1, result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    found = _found(outputs[0])
    assert ("kills-workers", "config-0.yaml", 3) in found
    assert ("schema", "widget.yaml", 5) in found


def test_jobs_must_be_a_number(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--jobs", "0", "."])
    assert exit_.value.code == 2
    assert "'0' is not a number of processes (1 or more, or auto)" in capsys.readouterr().err


def test_a_process_lets_go_of_a_custom_validator_after_its_last_object(
    tmp_path, monkeypatch, capsys
):
    """With the cache (or workers), a process loads its files, then checks them: the
    Widget validator is compiled once, for both Widgets, and released after the second."""
    import jsonschema_rs

    from kubelint.schema import Catalog

    _tree(tmp_path)
    (tmp_path / "widget2.yaml").write_text(WIDGET.replace("name: w,", "name: w2,"))
    monkeypatch.chdir(tmp_path)
    compiled: list[str] = []
    released: list[tuple[str, str]] = []
    compile_schema, release = jsonschema_rs.validator_for, Catalog.release

    def compiling(schema, **options):
        compiled.append(str(schema.get("properties", {}).get("kind")))
        return compile_schema(schema, **options)

    def releasing(catalog, api_version, kind):
        released.append((api_version, kind))
        release(catalog, api_version, kind)

    monkeypatch.setattr(jsonschema_rs, "validator_for", compiling)
    monkeypatch.setattr(Catalog, "release", releasing)
    output = _run(capsys, "--jobs", "1", "--cache-dir", str(tmp_path / "cache"), ".")
    assert {("schema", "widget.yaml", 5), ("schema", "widget2.yaml", 5)} <= _found(output)
    assert [kind for kind in compiled if "Widget" in kind] == ["{'const': 'Widget'}"]
    assert released.count(("example.com/v1", "Widget")) == 1
