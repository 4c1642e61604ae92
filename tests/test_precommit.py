"""pre-commit end to end: this checkout installed as a hook in a temporary git repository
by the real pre-commit (`pre-commit try-repo`), failing on a bad manifest, passing once it
is fixed, and linting a batch of files in one run. Slow (pre-commit builds a virtualenv
and installs kubelint into it)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(),
    reason="needs git and a git checkout of kubelint")

BAD_JOB = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      restartPolicy: Always
      containers:
        - name: migrate
          image: registry.example.com/migrate:1.4
"""


def run(args, cwd, env):
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def git_repo(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    run(["git", "init", "-q"], repo, env)
    return repo, env


def test_hook_fails_on_findings_and_passes_when_fixed(tmp_path):
    pytest.importorskip("pre_commit")
    repo, env = git_repo(tmp_path)
    (repo / "job.yaml").write_text(BAD_JOB)
    run(["git", "add", "job.yaml"], repo, env)
    hook = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "kubelint",
            "--files", "job.yaml"]
    failed = run(hook, repo, env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "kubelint" in failed.stdout and "Failed" in failed.stdout
    assert ("job.yaml:8:7: error restart-policy Job 'migrate' pod template has restartPolicy"
            " 'Always'") in failed.stdout
    (repo / "job.yaml").write_text(BAD_JOB.replace("restartPolicy: Always",
                                                   "restartPolicy: OnFailure"))
    run(["git", "add", "job.yaml"], repo, env)
    passed = run(hook, repo, env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout


def test_many_files_are_linted_in_one_run(tmp_path):
    """require_serial: one kubelint process sees every file (one summary, cross-resource
    rules across all of them). Without it pre-commit gives each CPU a batch (on a single
    CPU there is one batch anyway; the next test checks the setting itself)."""
    pytest.importorskip("pre_commit")
    repo, env = git_repo(tmp_path)
    names = [f"job-{number:02}.yaml" for number in range(24)]
    for name in names:
        (repo / name).write_text(BAD_JOB.replace("name: migrate\n", f"name: {name[:-5]}\n", 1))
    run(["git", "add", *names], repo, env)
    result = run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "kubelint",
                  "--verbose", "--files", *names], repo, env)
    assert result.returncode == 1, result.stdout + result.stderr
    summaries = re.findall(r"^(?:Found \d+ problems?|No problems) .*$", result.stdout, re.M)
    assert len(summaries) == 1, result.stdout
    assert " in 24 of 24 files; 24 objects checked" in summaries[0]


def test_hook_runs_serially_on_manifests_and_chart_files():
    clientlib = pytest.importorskip("pre_commit.clientlib")
    [hook] = clientlib.load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    assert hook["require_serial"] is True
    assert hook["types"] == ["text"] and hook["types_or"] == []
    linted = ["deploy/job.yaml", "app.yml", "policy.json", "chart/Chart.yaml",
              "chart/values.yaml", "chart/ci/prod-values.yaml", "chart/templates/job.yaml",
              "chart/templates/_helpers.tpl", "chart/templates/NOTES.txt"]
    ignored = ["README.md", "docs/templates/mail.html", "chart/templates/README.md",
               "setup.py", "yaml.txt"]
    matches = re.compile(hook["files"]).search
    assert [path for path in linted if not matches(path)] == []
    assert [path for path in ignored if matches(path)] == []
