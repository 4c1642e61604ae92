"""``kubelint check`` on a repository as users have it: a Helm chart, a kustomize app and
other tools' configs side by side, linted from the command line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kubelint.helm import find_renderer
from kubelint.kustomize import find_builder
from tests.helpers import FIXTURES, ROOT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        find_renderer() is None or find_builder() is None,
        reason="needs a Helm renderer and kustomize (pip install 'kubelint[helm,kustomize]')",
    ),
]

RULES = (
    "privileged-container,service-target-port-unknown,image-tag-latest,helm-render,"
    "kustomize-build,kustomize-remote,yaml-syntax,manifest-structure,unknown-kind,schema"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A platform repository: a chart, a kustomize app, a kind cluster config, a
    kubeconfig and a plain manifest."""
    root = tmp_path / "platform"
    shutil.copytree(FIXTURES / "charts" / "shop", root / "charts" / "shop")
    shutil.copytree(ROOT / "examples" / "kustomize", root / "deploy")
    (root / "kind.yaml").write_text(
        "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n"
    )
    (root / "kubeconfig.yaml").write_text(
        "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n"
    )
    (root / "namespace.yaml").write_text(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"
    )
    return root


def check(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "kubelint",
            "check",
            "--no-config",
            "--no-color",
            "--disable",
            "all",
            "--enable",
            RULES,
            *args,
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )


SERVICE = (
    "charts/shop/templates/service.yaml:13:7: error service-target-port-unknown"
    " Service 'release-name-shop' port 'http' targets the named port 'web', which none"
    " of the pods it selects (Deployment 'release-name-shop') declare; they declare"
    " 'http'"
)
SIDECAR = (
    "deploy/overlays/production/debug-sidecar.yaml:13:13: error privileged-container"
    " container 'debug' runs privileged: it has every capability and all host"
    " devices; set privileged: false"
)


def findings(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [
        line
        for line in result.stdout.splitlines()
        if line and not line.startswith(("Found ", "No problems", "Nothing was checked"))
    ]


def test_the_whole_repository(repo: Path):
    result = check(repo, ".")
    assert result.returncode == 1, result.stderr
    assert findings(result) == [
        "charts/shop/templates/deployment.yaml:23:11: warning image-tag-latest container 'web'"
        " image 'registry.example.com/shop/web:latest' uses the moving tag 'latest'; pin a"
        " version (or a digest) (value image.tag from charts/shop/ci/privileged-values.yaml:3)"
        " (with ci/privileged-values.yaml)",
        "charts/shop/templates/deployment.yaml:29:13: error privileged-container container"
        " 'web' runs privileged: it has every capability and all host devices; set"
        " privileged: false (value securityContext.privileged from"
        " charts/shop/ci/privileged-values.yaml:5) (with ci/privileged-values.yaml)",
        SERVICE,
        "charts/shop/templates/worker.yaml:14:11: warning image-tag-latest container 'reindex'"
        " image 'registry.example.com/shop/web:latest' uses the moving tag 'latest'; pin a"
        " version (or a digest) (value image.tag from charts/shop/ci/privileged-values.yaml:3)"
        " (with ci/privileged-values.yaml)",
        "charts/shop/templates/worker.yaml:16:13: error privileged-container container"
        " 'reindex' runs privileged: it has every capability and all host devices; set"
        " privileged: false (value securityContext.privileged from"
        " charts/shop/ci/privileged-values.yaml:5) (with ci/privileged-values.yaml)",
        "deploy/overlays/production/debug-sidecar.yaml:11:11: warning image-tag-latest"
        " container 'debug' image 'busybox:latest' uses the moving tag 'latest'; pin a version"
        " (or a digest)",
        SIDECAR,
    ]
    # Chart.yaml, values, kustomizations, the patch, kind and kubeconfig: never reported.
    assert "yaml-syntax" not in result.stdout and "manifest-structure" not in result.stdout


def test_a_changed_template_gates_its_chart(repo: Path):
    """pre-commit passes the changed files: a helper, a values file or a template
    renders the whole chart."""
    for changed in (
        "charts/shop/templates/_helpers.tpl",
        "charts/shop/values.yaml",
        "charts/shop/templates/deployment.yaml",
    ):
        result = check(repo, changed, "--enable", "all", "--disable", "image-tag-latest")
        assert SERVICE in findings(result), (changed, result.stdout, result.stderr)


def test_a_changed_patch_or_base_gates_the_overlays_that_use_it(repo: Path):
    result = check(repo, "deploy/overlays/production/debug-sidecar.yaml")
    assert findings(result) == [
        "deploy/overlays/production/debug-sidecar.yaml:11:11: warning image-tag-latest"
        " container 'debug' image 'busybox:latest' uses the moving tag 'latest'; pin a version"
        " (or a digest)",
        SIDECAR,
    ]
    base = check(repo, "deploy/base/deployment.yaml", "--enable", "pdb-missing")
    assert findings(base) == [
        "deploy/base/deployment.yaml:6:3: info pdb-missing Deployment 'staging-checkout' runs"
        " 2 replicas, but no PodDisruptionBudget in namespace 'shop-staging' selects its pods:"
        " a node drain can evict them all at once (through deploy/overlays/staging)",
        "deploy/overlays/production/debug-sidecar.yaml:11:11: warning image-tag-latest"
        " container 'debug' image 'busybox:latest' uses the moving tag 'latest'; pin a version"
        " (or a digest)",
        SIDECAR,
    ]


def test_values_and_set_from_the_command_line(repo: Path, tmp_path: Path):
    prod = tmp_path / "prod.yaml"
    prod.write_text("image:\n  tag: latest\n")
    result = check(repo, "charts/shop", "--values", str(prod), "--set", "metrics.enabled=true")
    lines = findings(result)
    assert lines[0] == (
        "charts/shop/templates/deployment.yaml:23:11: warning image-tag-latest container 'web'"
        " image 'registry.example.com/shop/web:latest' uses the moving tag 'latest'; pin a"
        f" version (or a digest) (value image.tag from {prod}:2)"
    )
    # metrics.enabled=true renders the worker away and the Service targets 'metrics'.
    assert not any("worker.yaml" in line for line in lines)
    assert any("targets the named port 'metrics'" in line for line in lines)
    bad = check(repo, "charts/shop", "--set", "nonsense")
    assert (bad.returncode, bad.stderr) == (
        2,
        "kubelint: error: --set 'nonsense': write KEY=VALUE (as helm --set)\n",
    )


def test_a_failed_kustomize_build_piped_in_is_not_a_pass(repo: Path):
    """`kubectl kustomize overlays/typo | kubelint check -`: kustomize failed and printed
    nothing; kubelint must not say "No problems"."""
    result = subprocess.run(
        [sys.executable, "-m", "kubelint", "check", "-"],
        input="",
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "nothing was read from standard input" in result.stderr
