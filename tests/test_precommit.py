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

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("git") is None or not (ROOT / ".git").exists(),
        reason="needs git and a git checkout of kubelint",
    ),
]

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
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    run(["git", "init", "-q"], repo, env)
    return repo, env


def test_hook_fails_on_findings_and_passes_when_fixed(tmp_path):
    pytest.importorskip("pre_commit")
    repo, env = git_repo(tmp_path)
    (repo / "job.yaml").write_text(BAD_JOB)
    run(["git", "add", "job.yaml"], repo, env)
    hook = [
        sys.executable,
        "-m",
        "pre_commit",
        "try-repo",
        str(ROOT),
        "kubelint",
        "--files",
        "job.yaml",
    ]
    failed = run(hook, repo, env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "kubelint" in failed.stdout and "Failed" in failed.stdout
    assert (
        "job.yaml:8:7: error restart-policy Job 'migrate' pod template has restartPolicy 'Always'"
    ) in failed.stdout
    (repo / "job.yaml").write_text(
        BAD_JOB.replace("restartPolicy: Always", "restartPolicy: OnFailure")
    )
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
    result = run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(ROOT),
            "kubelint",
            "--verbose",
            "--files",
            *names,
        ],
        repo,
        env,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    summaries = re.findall(r"^(?:Found \d+ problems?|No problems) .*$", result.stdout, re.M)
    assert len(summaries) == 1, result.stdout
    assert " in 24 of 24 files; 24 objects checked" in summaries[0]


def test_hook_runs_serially_on_manifests_and_chart_files():
    clientlib = pytest.importorskip("pre_commit.clientlib")
    [hook] = clientlib.load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    assert hook["require_serial"] is True
    assert hook["types"] == ["text"] and hook["types_or"] == []
    linted = [
        "deploy/job.yaml",
        "app.yml",
        "policy.json",
        "chart/Chart.yaml",
        "chart/values.yaml",
        "chart/ci/prod-values.yaml",
        "chart/templates/job.yaml",
        "chart/templates/_helpers.tpl",
        "chart/templates/NOTES.txt",
        "deploy/overlays/prod/Kustomization",
    ]
    ignored = [
        "README.md",
        "docs/templates/mail.html",
        "chart/templates/README.md",
        "setup.py",
        "yaml.txt",
    ]
    matches = re.compile(hook["files"]).search
    assert [path for path in linted if not matches(path)] == []
    assert [path for path in ignored if matches(path)] == []


def test_a_changed_template_or_patch_gates_its_chart_or_overlay(tmp_path):
    """A repository with a chart and a kustomize app, the hook installed as users install
    it (with the helm extra's renderer as an additional dependency): committing a change
    to one template reports the whole chart at template lines, and a change to a patch
    reports the overlay at the patch's lines. (pre-commit installs the hook from this
    checkout's HEAD: commit before running it.)"""
    pytest.importorskip("pre_commit")
    head = run(["git", "rev-parse", "HEAD"], ROOT, os.environ).stdout.strip()
    repo, env = git_repo(tmp_path)
    shutil.copytree(ROOT / "fixtures" / "charts" / "shop", repo / "charts" / "shop")
    shutil.copytree(ROOT / "examples" / "kustomize", repo / "deploy")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT}\n    rev: {head}\n    hooks:\n      - id: kubelint\n"
        "        args: [--disable, all, --enable, 'service-target-port-unknown,"
        "privileged-container,helm-render,kustomize-build,yaml-syntax,manifest-structure']\n"
        "        additional_dependencies: ['helm-python-sdk>=0.2.2']\n"
    )
    run(["git", "add", "."], repo, env)
    hook = [sys.executable, "-m", "pre_commit", "run", "--files"]

    chart = run([*hook, "charts/shop/templates/_helpers.tpl"], repo, env)
    assert chart.returncode == 1, chart.stdout + chart.stderr
    assert (
        "charts/shop/templates/service.yaml:13:7: error service-target-port-unknown"
        " Service 'release-name-shop' port 'http' targets the named port 'web'"
    ) in chart.stdout
    assert "yaml-syntax" not in chart.stdout and "manifest-structure" not in chart.stdout

    overlay = run([*hook, "deploy/overlays/production/debug-sidecar.yaml"], repo, env)
    assert overlay.returncode == 1, overlay.stdout + overlay.stderr
    assert (
        "deploy/overlays/production/debug-sidecar.yaml:13:13: error privileged-container"
        " container 'debug' runs privileged"
    ) in overlay.stdout
    assert "charts/shop" not in overlay.stdout
