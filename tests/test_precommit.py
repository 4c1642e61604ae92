"""pre-commit end to end: this checkout installed as a hook in a temporary git repository
by the real pre-commit (`pre-commit try-repo`), failing on a bad manifest, passing once it
is fixed. Slow (pre-commit builds a virtualenv and installs kubelint into it)."""

from __future__ import annotations

import os
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


def test_hook_fails_on_findings_and_passes_when_fixed(tmp_path):
    pytest.importorskip("pre_commit")
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    run(["git", "init", "-q"], repo, env)
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
