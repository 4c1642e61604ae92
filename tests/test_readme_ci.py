"""The README's CI snippets ("Use in CI": the plain GitHub Actions steps, GitLab CI,
Jenkins and the `--output` example) run literally: every shell command they give is run
as written, in a sample repository, with this test environment's kubelint on PATH, and the
reports they name are read back (SARIF against the official schema where it is at hand,
GitLab Code Quality JSON, JUnit XML, the markdown summary).

The one command that cannot run here is the install: it fetches kubelint from its
repository, and this test has no network. It is checked instead to install this very
version, so that the snippets never lag behind a release.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from kubelint import __version__
from tests.helpers import ROOT, SHARED

INSTALL = f'pip install "kubelint @ git+https://github.com/kubelint/kubelint@v{__version__}"'
SARIF_SCHEMA = SHARED / "schemas" / "sarif-2.1.0.json"
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
#: What the runner sets in a GitHub Actions job, for the snippet that links the summary.
GITHUB = {
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_REPOSITORY": "acme/deploy",
    "GITHUB_SHA": "0123abc",
}


def section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("\n## Use in CI\n", 1)[1].split("\n## ", 1)[0]


def snippet_commands() -> list[tuple[str, str]]:
    """(snippet, shell command) for every command of the section's snippets but those of
    the action's workflow (tests/test_action.py runs the action)."""
    commands: list[tuple[str, str]] = []
    for language, body in re.findall(r"```(\w+)\n(.*?)```", section(), re.S):
        if "uses: kubelint/kubelint@" in body:
            continue
        if language == "sh":
            commands += [
                ("sh", line) for line in body.splitlines() if line and not line.startswith("#")
            ]
        elif language == "yaml":
            document = YAML(typ="safe").load(body)
            if isinstance(document, list):  # steps of a GitHub Actions job
                commands += [("github", step["run"]) for step in document if "run" in step]
            else:  # a GitLab CI job
                for job in document.values():
                    commands += [("gitlab", line) for line in job["script"]]
        elif language == "groovy":
            commands += [("jenkins", command) for command in re.findall(r"\bsh '([^']*)'", body)]
    # A Jenkins `sh` line chains the install and the check.
    return [(name, part.strip()) for name, command in commands for part in command.split(" && ")]


def test_the_snippets_are_found():
    names = [(name, command.split()[:2]) for name, command in snippet_commands()]
    assert names == [
        ("sh", ["kubelint", "check"]),
        ("github", ["pip", "install"]),
        ("github", ["kubelint", "check"]),
        ("github", ["cat", "summary.md"]),
        ("gitlab", ["pip", "install"]),
        ("gitlab", ["kubelint", "check"]),
        ("jenkins", ["pip", "install"]),
        ("jenkins", ["kubelint", "check"]),
    ]


def test_the_snippets_install_this_version_from_the_repository():
    installs = [command for _, command in snippet_commands() if command.startswith("pip ")]
    assert installs == [INSTALL] * 3


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "debug.yaml").write_text(BAD, encoding="utf-8")
    return tmp_path


def run(command: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``command`` as a CI runner's shell runs it, with this environment's kubelint."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    environment = {
        "PATH": path,
        "HOME": os.environ.get("HOME", str(cwd)),
        "CI": "true",
        **{name: os.environ[name] for name in ("KUBELINT_CACHE_DIR",) if name in os.environ},
        **env,
    }
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def commands_of(snippet: str) -> list[str]:
    return [
        command
        for name, command in snippet_commands()
        if name == snippet and not command.startswith("pip ")
    ]


def validate_sarif(path: Path) -> dict:
    document = json.loads(path.read_text(encoding="utf-8"))
    if SARIF_SCHEMA.is_file():
        from jsonschema import FormatChecker
        from jsonschema.validators import validator_for

        schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
        validator = validator_for(schema)(schema, format_checker=FormatChecker())
        assert [error.message for error in validator.iter_errors(document)] == []
    return document


def sarif_results(document: dict) -> set[tuple[str, str, int]]:
    return {
        (
            result["ruleId"],
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for result in document["runs"][0]["results"]
    }


def junit_cases(path: Path) -> set[tuple[str, str]]:
    tree = ElementTree.parse(path)
    return {
        (suite.get("name", ""), case.get("name", ""))
        for suite in tree.getroot().iter("testsuite")
        for case in suite.iter("testcase")
        if case.find("failure") is not None
    }


def test_the_output_example(repository):
    [command] = commands_of("sh")
    done = run(command, repository)
    assert done.returncode == 1, done.stderr
    assert ("privileged-container", "deploy/debug.yaml", 9) in sarif_results(
        validate_sarif(repository / "kubelint.sarif")
    )
    assert ("deploy/debug.yaml", "Pod shop/debug privileged-container") in junit_cases(
        repository / "kubelint.xml"
    )


def test_the_github_steps(repository):
    check, summary = commands_of("github")
    summary_file = repository.parent / "step-summary.md"
    done = run(check, repository, **GITHUB)
    assert done.returncode == 1, done.stderr
    assert (
        "::error file=deploy/debug.yaml,line=9,col=9,endLine=9,endColumn=25,"
        "title=privileged-container::"
    ) in done.stdout
    assert ("privileged-container", "deploy/debug.yaml", 9) in sarif_results(
        validate_sarif(repository / "kubelint.sarif")
    )
    # The summary step appends the report, whose links open the linted commit's lines.
    done = run(summary, repository, GITHUB_STEP_SUMMARY=str(summary_file))
    assert done.returncode == 0, done.stderr
    markdown = summary_file.read_text(encoding="utf-8")
    assert markdown == (repository / "summary.md").read_text(encoding="utf-8")
    assert (
        "[deploy/debug.yaml:9](https://github.com/acme/deploy/blob/0123abc/deploy/debug.yaml#L9)"
    ) in markdown


def test_the_gitlab_job(repository):
    [command] = commands_of("gitlab")
    done = run(command, repository)
    assert done.returncode == 1, done.stderr
    quality = json.loads((repository / "gl-code-quality.json").read_text(encoding="utf-8"))
    assert ("privileged-container", "deploy/debug.yaml", 9) in {
        (issue["check_name"], issue["location"]["path"], issue["location"]["lines"]["begin"])
        for issue in quality
    }
    assert ("deploy/debug.yaml", "Pod shop/debug privileged-container") in junit_cases(
        repository / "kubelint.xml"
    )


def test_the_jenkins_stage(repository):
    [command] = commands_of("jenkins")
    assert shlex.split(command)[:2] == ["kubelint", "check"]
    done = run(command, repository)
    assert done.returncode == 1, done.stderr
    assert ("deploy/debug.yaml", "Pod shop/debug privileged-container") in junit_cases(
        repository / "kubelint.xml"
    )
