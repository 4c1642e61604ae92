"""The GitHub Action (action.yml): its structure, and its steps run as the runner runs them
(bash scripts in order, with the step's env and the runner's variables) on a sample
repository, with the expressions evaluated by a tiny evaluator that knows only what the
action may use. The README's workflow must name only the action's inputs.

The install step pip-installs kubelint into a fresh virtual environment (network or
pip's cache, ~10 s): only the test marked ``slow`` runs it; the others put this test
environment's kubelint where the install step puts its own."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.helpers import ROOT, SHARED, copy_project

ACTION = ROOT / "action.yml"
SARIF_SCHEMA = SHARED / "schemas" / "sarif-2.1.0.json"
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)
#: What the runner runs a `shell: bash` step with (the script's path follows).
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]

BAD = """\
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: shop}
spec:
  containers:
    - name: debug
      image: busybox:1.36
      securityContext:
        privileged: true
"""
CLEAN = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {mode: fast}
"""
#: One finding, at info: it fails the job only with fail-level info.
INFO_ONLY = """\
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80}]
"""


def action() -> dict[str, Any]:
    return YAML(typ="safe").load(ACTION.read_text(encoding="utf-8"))


def strings(node: Any) -> list[str]:
    """Every string value in a parsed YAML document."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [text for value in node.values() for text in strings(value)]
    if isinstance(node, list):
        return [text for value in node for text in strings(value)]
    return []


# --- (1) structure ---------------------------------------------------------------------------


def test_a_composite_action_whose_expressions_name_declared_inputs():
    document = action()
    assert document["runs"]["using"] == "composite"
    inputs = document["inputs"]
    for name, spec in inputs.items():
        assert spec["description"].strip(), name
        assert isinstance(spec["default"], str), name  # every input is optional
    used = set()
    for text in strings(document):
        for expression in EXPRESSION.findall(text):
            match = re.fullmatch(r"\s*inputs\.([A-Za-z0-9_-]+)\s*", expression)
            assert match, f"an expression other than inputs.*: {expression!r}"
            assert match[1] in inputs, f"undeclared input {match[1]!r}"
            used.add(match[1])
    assert used == set(inputs)  # and every input is used


def test_every_step_runs_in_bash_and_no_script_holds_an_expression():
    steps = action()["runs"]["steps"]
    assert [step.get("uses") for step in steps if "uses" in step] == []
    for step in steps:
        assert step["shell"] == "bash", step["name"]
        # Inputs reach a script through env: an expression in `run` would be pasted into
        # the script as code.
        assert "${{" not in step["run"], step["name"]
    assert [step["id"] for step in steps] == ["install", "check"]


# --- (2) running the steps -------------------------------------------------------------------


class Runner:
    """Runs the action's steps as the runner does, in a job whose workspace is
    ``workspace``, and keeps what a job keeps between steps (runner.temp, the summary)."""

    def __init__(self, tmp_path: Path, action_path: Path = ROOT) -> None:
        self.action_path = action_path
        self.workspace = tmp_path / "workspace"
        self.temp = tmp_path / "runner-temp"
        self.summary = tmp_path / "step-summary.md"
        self.workspace.mkdir()
        self.temp.mkdir()
        self.summary.write_text("Earlier step's summary.\n", encoding="utf-8")
        self.skip: tuple[str, ...] = ()  # the ids of steps not to run

    def evaluate(self, text: str, inputs: dict[str, str]) -> str:
        """``${{ … }}`` in ``text`` replaced; any expression but these fails the test."""
        declared = action()["inputs"]

        def value(match: re.Match[str]) -> str:
            expression = match[1].strip()
            if expression == "github.action_path":
                return str(self.action_path)
            if expression == "runner.temp":
                return str(self.temp)
            name = expression.removeprefix("inputs.")
            if expression.startswith("inputs.") and name in declared:
                return inputs.get(name, declared[name]["default"])
            pytest.fail(f"the test evaluator does not know {match[0]!r}")

        return EXPRESSION.sub(value, text)

    def run(self, inputs: dict[str, str], skip: tuple[str, ...] | None = None) -> Result:
        """Each step in order until one fails, as a job does (but those of ``skip``, or
        of ``self.skip``)."""
        skip = self.skip if skip is None else skip
        unknown = set(inputs) - set(action()["inputs"])
        assert not unknown, f"not inputs of the action: {unknown}"
        ran = []
        status, stdout, stderr = 0, "", ""
        for number, step in enumerate(action()["runs"]["steps"]):
            if step["id"] in skip:
                continue
            script = self.temp / f"step-{number}.sh"
            script.write_text(self.evaluate(step["run"], inputs), encoding="utf-8")
            env = {
                "PATH": os.environ["PATH"],
                "HOME": os.environ.get("HOME", str(self.temp)),
                "GITHUB_ACTION_PATH": str(self.action_path),
                "GITHUB_WORKSPACE": str(self.workspace),
                "GITHUB_STEP_SUMMARY": str(self.summary),
                "RUNNER_TEMP": str(self.temp),
                "GITHUB_SERVER_URL": "https://github.com",
                "GITHUB_REPOSITORY": "acme/deploy",
                "GITHUB_SHA": "0123abc",
                "CI": "true",
            }
            for variable in ("KUBELINT_CACHE_DIR", "PIP_CONFIG_FILE", "PIP_INDEX_URL"):
                if variable in os.environ:
                    env[variable] = os.environ[variable]
            env.update(
                {
                    key: self.evaluate(str(value), inputs)
                    for key, value in step.get("env", {}).items()
                }
            )
            result = subprocess.run(
                [*BASH, str(script)],
                cwd=self.workspace,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            ran.append(step["id"])
            status, stdout, stderr = result.returncode, result.stdout, result.stderr
            if status:
                break
        return Result(ran, status, stdout, stderr)

    def installed_here(self) -> None:
        """What the install step leaves, made from this test environment's kubelint: the
        virtual environment's python and kubelint. The install step is not run."""
        self.skip = ("install",)
        bin_dir = self.temp / "kubelint-venv" / "bin"
        bin_dir.mkdir(parents=True)
        # Its python never runs pip: that would install into this test environment.
        guard = 'case "$1$2" in -mpip) echo "not the test environment" >&2; exit 99;; esac\n'
        for name, command in (("python", ""), ("kubelint", " -m kubelint")):
            path = bin_dir / name
            path.write_text(f"#!/bin/sh\n{guard}exec '{sys.executable}'{command} \"$@\"\n")
            path.chmod(path.stat().st_mode | stat.S_IXUSR)

    def write(self, files: dict[str, str]) -> None:
        for name, text in files.items():
            path = self.workspace / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


@dataclass
class Result:
    steps: list[str]
    status: int
    stdout: str
    stderr: str


@pytest.fixture
def runner(tmp_path) -> Runner:
    runner = Runner(tmp_path)
    runner.installed_here()
    runner.write(
        {"deploy/debug.yaml": BAD, "clean/settings.yaml": CLEAN, "services/web.yaml": INFO_ONLY}
    )
    return runner


def kubelint(runner: Runner, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kubelint", "check", *args],
        cwd=runner.workspace,
        capture_output=True,
        text=True,
        timeout=120,
    )


def validate_sarif(path: Path) -> dict[str, Any]:
    document = json.loads(path.read_text(encoding="utf-8"))
    if SARIF_SCHEMA.is_file():  # as tests/test_format_sarif.py validates
        from jsonschema import FormatChecker
        from jsonschema.validators import validator_for

        schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
        validator = validator_for(schema)(schema, format_checker=FormatChecker())
        errors = [error.message for error in validator.iter_errors(document)]
        assert errors == []
    return document


def test_findings_at_the_fail_level_fail_the_job(runner):
    result = runner.run({"paths": "deploy"})
    assert (result.steps, result.status) == (["check"], 1)
    # Annotations: the github format on standard output.
    assert result.stdout == kubelint(runner, "--format", "github", "deploy").stdout
    assert (
        "::error file=deploy/debug.yaml,line=9,col=9,endLine=9,endColumn=25,"
        "title=privileged-container::"
    ) in result.stdout
    document = validate_sarif(runner.workspace / "kubelint.sarif")
    results = document["runs"][0]["results"]
    assert ("privileged-container", "deploy/debug.yaml", 9) in {
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in results
    }
    # The markdown report, appended after what the summary held.
    # Its links name the commit's files: the summary page is not a file of the repository.
    markdown = kubelint(
        runner,
        "--format",
        "markdown",
        "--link-base",
        "https://github.com/acme/deploy/blob/0123abc/",
        "deploy",
    ).stdout
    assert markdown.startswith("## kubelint\n\nFound ")
    assert (
        "[deploy/debug.yaml:9](https://github.com/acme/deploy/blob/0123abc/deploy/debug.yaml#L9)"
        in markdown
    )
    assert runner.summary.read_text(encoding="utf-8") == "Earlier step's summary.\n" + markdown


def test_a_clean_run_passes(runner):
    result = runner.run({"paths": "clean", "sarif-file": "reports/kubelint.sarif"})
    assert (result.steps, result.status, result.stdout) == (["check"], 0, "")
    assert (
        validate_sarif(runner.workspace / "reports" / "kubelint.sarif")["runs"][0]["results"] == []
    )
    assert runner.summary.read_text(encoding="utf-8") == (
        "Earlier step's summary.\n## kubelint\n\nNo problems in 1 file; 1 object checked.\n"
    )


@pytest.mark.parametrize(("fail_level", "status"), [("", 0), ("warning", 0), ("info", 1)])
def test_the_fail_level(runner, fail_level, status):
    result = runner.run({"paths": "services", "fail-level": fail_level})
    assert result.status == status
    assert result.stdout.startswith("::notice file=services/web.yaml,line=5,")


def test_paths_args_and_config(runner):
    runner.write(
        {"dir with space/debug.yaml": BAD, "strict.yaml": "rules:\n  privileged-container: off\n"}
    )
    result = runner.run(
        {
            "paths": "'dir with space'\nclean",
            "args": "--disable 'run-as-root,capabilities-not-dropped' --format text",
            "config": "strict.yaml",
            "summary": "false",
            "sarif-file": "",
        }
    )
    assert result.status == 0, result.stderr  # the error's rule is off in the config
    assert "::warning file=dir with space/debug.yaml," in result.stdout  # github wins
    assert "title=privileged-container" not in result.stdout
    assert "title=run-as-root" not in result.stdout
    assert not (runner.workspace / "kubelint.sarif").exists()
    assert runner.summary.read_text(encoding="utf-8") == "Earlier step's summary.\n"


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"args": "--enable no-such-rule"}, "kubelint: error: --enable: unknown rule"),
        ({"fail-level": "severe"}, "argument --fail-level: invalid choice: 'severe'"),
        ({"paths": "missing"}, "kubelint: error: no such file or directory: missing"),
        (
            {"args": "--kubernetes-version '1.30"},
            "kubelint: error: the args input: No closing quotation",
        ),
    ],
)
def test_usage_errors_exit_2(runner, inputs, message):
    result = runner.run(inputs)
    assert result.status == 2
    assert message in result.stderr
    assert runner.summary.read_text(encoding="utf-8") == "Earlier step's summary.\n"


@pytest.mark.parametrize(
    "hostile",
    [
        "$(touch pwned)",
        "`touch pwned`",
        "x; touch pwned",
        'x" ; touch pwned ; "',
        "'$(touch pwned)'",
        "x\ntouch pwned",
    ],
)
def test_inputs_are_never_run_as_code(runner, hostile):
    names = ("paths", "args", "config", "sarif-file", "fail-level", "summary")
    result = runner.run(dict.fromkeys(names, hostile))
    assert result.status == 2  # a usage error, said by kubelint or the splitting
    assert not (runner.workspace / "pwned").exists()
    assert not (runner.temp / "pwned").exists()


def test_install_input_errors(tmp_path):
    runner = Runner(tmp_path)
    result = runner.run({"extras": "helm; touch pwned"}, skip=("check",))
    assert (result.status, result.stdout) == (
        2,
        "::error title=kubelint::extras: write names such as helm,kustomize\n",
    )
    result = runner.run({"python": str(tmp_path / "no-python")}, skip=("check",))
    assert result.status == 2
    assert result.stdout.startswith("::error title=kubelint::kubelint needs Python 3.10")
    assert not (tmp_path / "workspace" / "pwned").exists()


@pytest.mark.slow
def test_install_step_in_a_fresh_virtual_environment(tmp_path):
    """The whole action, the install step included: kubelint installed with pip from the
    action's own files into a virtual environment under runner.temp."""
    action_path = tmp_path / "action"  # the action's checkout, which pip builds in
    action_path.mkdir()
    copy_project(action_path, "action.yml")
    runner = Runner(tmp_path, action_path)
    runner.write({"deploy/debug.yaml": BAD})
    result = runner.run({"paths": "deploy"})
    assert (result.steps, result.status) == (["install", "check"], 1), result.stderr
    assert (runner.temp / "kubelint-venv" / "bin" / "kubelint").is_file()
    assert "title=privileged-container::" in result.stdout
    validate_sarif(runner.workspace / "kubelint.sarif")
    assert "## kubelint\n\nFound " in runner.summary.read_text(encoding="utf-8")


# --- (3) the README's workflow ---------------------------------------------------------------


def readme_workflows() -> list[dict[str, Any]]:
    """The YAML blocks of the README's "Use in CI" section that use the action."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Use in CI\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.S)
    return [YAML(typ="safe").load(block) for block in blocks if "uses: kubelint/kubelint@" in block]


def test_the_readme_workflow_uses_only_inputs_of_the_action():
    inputs = action()["inputs"]
    workflows = readme_workflows()
    assert workflows
    for workflow in workflows:
        for job in workflow["jobs"].values():
            steps = job["steps"]
            [kubelint] = [
                step for step in steps if step.get("uses", "").startswith("kubelint/kubelint@")
            ]
            assert set(kubelint.get("with", {})) <= set(inputs)
            sarif = kubelint.get("with", {}).get("sarif-file", inputs["sarif-file"]["default"])
            [upload] = [
                step
                for step in steps
                if step.get("uses", "").startswith("github/codeql-action/upload-sarif@")
            ]
            assert upload["with"]["sarif_file"] == sarif
            # After findings fail the kubelint step, the upload must still run.
            assert upload["if"] in ("always()", "${{ !cancelled() }}", "success() || failure()")
            assert steps.index(upload) > steps.index(kubelint)


def test_the_readme_lists_every_input():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Use in CI\n", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `([a-z-]+)` \|", section, re.M)
    assert listed == list(action()["inputs"])
