"""Tools' configuration files (kustomize, Helm, kind, kubeconfig, kubeadm, component
configs...) are skipped and counted, never reported; custom resources that share their
kinds are still linted."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kubelint.config import Config
from kubelint.lint import lint_paths
from kubelint.loader import load_path
from kubelint.toolconfigs import tool_of
from tests.helpers import FIXTURES, ROOT, expectations, registry

TOOLCONFIGS = FIXTURES / "toolconfigs"

#: Each fixture under skipped/ and the tools' documents it holds.
SKIPPED: dict[str, dict[str, int]] = {
    "component.yaml": {"kustomize": 1},
    "kustomize-builtins.yaml": {"kustomize": 2},
    "kind-cluster.yaml": {"kind": 1},
    "kubeconfig.yaml": {"kubeconfig": 1},
    "kubeadm.yaml": {"kubeadm": 5, "kubelet": 1, "kube-proxy": 1},
    "credential-provider-config.yaml": {"kubelet": 1},
    "kube-scheduler.yaml": {"kube-scheduler": 1},
    "scheduler-policy.json": {"kube-scheduler": 1},
    "admission-configuration.yaml": {"kube-apiserver": 3},
    "apiserver-configs.yaml": {"kube-apiserver": 6},
    "audit-policy.yaml": {"kube-apiserver": 1},
    "controller_manager_config.yaml": {"controller-runtime": 1},
    "skaffold.yaml": {"skaffold": 1},
    "Kptfile": {"kpt": 1},
    "ctlptl.yaml": {"ctlptl": 2},
    "k3d.yaml": {"k3d": 1},
    "kuttl-test.yaml": {"kuttl": 1},
    "chainsaw-test.yaml": {"chainsaw": 1},
    "kyverno-test.yaml": {"kyverno-cli": 1},
    "exec-credential.json": {"kubectl": 1},
    "kuberc.yaml": {"kubectl": 1},
    "argocd-cmp-plugin.yaml": {"argo-cd": 1},
}


#: Files that make their directory a chart or a kustomization when kubelint walks it
#: (rendered or built then: tests/test_helm.py, tests/test_kustomize.py); read on their
#: own, as from standard input or an editor buffer, they are skipped like the others.
OWN_DIRECTORY = {
    "chart/Chart.yaml": {"helm": 1},
    "chart/requirements.yaml": {"helm": 1},
    "chart/index.yaml": {"helm": 1},
    "kustomization/kustomization.yaml": {"kustomize": 1},
}


def test_every_skipped_fixture_is_listed():
    assert sorted(path.name for path in (TOOLCONFIGS / "skipped").iterdir()) == sorted(SKIPPED)


@pytest.mark.parametrize(
    ("name", "tools"),
    [*((f"skipped/{name}", tools) for name, tools in SKIPPED.items()), *OWN_DIRECTORY.items()],
    ids=[*SKIPPED, *OWN_DIRECTORY],
)
def test_tool_configs_are_skipped_and_counted(name, tools):
    loaded = load_path(str(TOOLCONFIGS / name), name)
    assert loaded.objects == [] and loaded.structure == [] and loaded.problems == []
    assert loaded.tool_configs == tools
    assert loaded.source.skipped == loaded.source.documents == sum(tools.values())


def test_tool_configs_give_no_finding(monkeypatch):
    monkeypatch.chdir(ROOT)
    report = lint_paths(
        ["fixtures/toolconfigs/skipped", "fixtures/toolconfigs/skipped/Kptfile"],
        Config(),
        registry(),
    )
    assert report.findings == []
    summary = report.summary
    assert (summary.files, summary.objects) == (len(SKIPPED), 0)
    assert (
        summary.skipped
        == summary.documents
        == sum(sum(tools.values()) for tools in SKIPPED.values())
    )


def test_custom_resources_with_tools_kinds_are_linted(monkeypatch):
    """Flux's Kustomization, Cluster API's Cluster, Argo CD's Application and kpt's
    ResourceGroup are objects; so is the Deployment next to a kuttl TestAssert."""
    monkeypatch.chdir(ROOT)
    directory = TOOLCONFIGS / "linted"
    expected = {
        (rule, f"fixtures/toolconfigs/linted/{path.name}", line)
        for path in directory.iterdir()
        for rule, line, _severity in expectations(path.read_text(encoding="utf-8"))
    }
    report = lint_paths([str(directory.relative_to(ROOT))], Config(), registry())
    assert {(f.rule, f.file, f.line) for f in report.findings} == expected
    assert (report.summary.objects, report.summary.skipped) == (5, 1)
    assert expected == {
        ("unknown-kind", "fixtures/toolconfigs/linted/custom-resources.yaml", 3),
        ("unknown-kind", "fixtures/toolconfigs/linted/custom-resources.yaml", 16),
        ("unknown-kind", "fixtures/toolconfigs/linted/custom-resources.yaml", 26),
        ("unknown-kind", "fixtures/toolconfigs/linted/custom-resources.yaml", 40),
        ("schema", "fixtures/toolconfigs/linted/00-assert.yaml", 6),
    }


@pytest.mark.parametrize(
    ("document", "tool"),
    [
        ({"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization"}, "kustomize"),
        ({"apiVersion": "builtin", "kind": "HelmChartInflationGenerator"}, "kustomize"),
        ({"apiVersion": "v1", "kind": "Config"}, "kubeconfig"),
        ({"apiVersion": "v2", "name": "shop", "version": "1.0.0"}, "helm"),
        ({"apiVersion": "kind.sigs.k8s.io/v1alpha3", "kind": "Cluster"}, "kind"),
        ({"apiVersion": "kubeadm.k8s.io/v1beta3", "kind": "ClusterStatus"}, "kubeadm"),
        # a kind added to a config group after this list was written
        (
            {"apiVersion": "apiserver.config.k8s.io/v1", "kind": "SomethingConfiguration"},
            "kube-apiserver",
        ),
        ({"apiVersion": "skaffold/v1", "kind": "Config"}, "skaffold"),
        # same kinds, other groups: objects
        ({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization"}, None),
        ({"apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "Cluster"}, None),
        ({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application"}, None),
        ({"apiVersion": "kpt.dev/v1alpha1", "kind": "ResourceGroup"}, None),
        ({"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy"}, None),
        ({"apiVersion": "v1", "kind": "ConfigMap"}, None),
        ({"apiVersion": "config.openshift.io/v1", "kind": "Config"}, None),
        ({"apiVersion": "v2", "kind": "Config"}, None),  # v2 is no core version
        # an object that lost its kind is still reported, even with name and version keys
        ({"apiVersion": "v1", "metadata": {"name": "a"}, "name": "a", "version": "1"}, None),
        ({"apiVersion": "apps/v1", "name": "a", "version": "1"}, None),
        ({"apiVersion": ["v1"], "kind": "Config"}, None),
        ({"apiVersion": "v1", "kind": None}, None),
    ],
    ids=lambda value: json.dumps(value) if isinstance(value, dict) else str(value),
)
def test_tool_of(document, tool):
    assert tool_of(document) == tool


def test_verbose_prints_the_summary_tool_counts(tmp_path, monkeypatch, capsys):
    from kubelint import lint
    from kubelint.cli import main

    def lint_paths_with_tools(*args, **kwargs):
        report = real(*args, **kwargs)
        report.summary.tool_configs = {"kubeconfig": 1, "kustomize": 2, "kind": 1}
        return report

    real = lint.lint_paths
    monkeypatch.setattr(lint, "lint_paths", lint_paths_with_tools)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kubeconfig.yaml").write_text("apiVersion: v1\nkind: Config\n")
    main(["check", "-v", "--no-config", "kubeconfig.yaml"])
    assert (
        "kubelint: skipped 2 kustomize configs, 1 kind config, 1 kubeconfig\n"
        in capsys.readouterr().err
    )


def test_verbose_names_the_skipped_tools():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kubelint",
            "check",
            "-v",
            "--no-config",
            "kubeconfig.yaml",
            "kustomize-builtins.yaml",
            "component.yaml",
            "kubeadm.yaml",
        ],
        cwd=TOOLCONFIGS / "skipped",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (
        "kubelint: skipped 5 kubeadm configs, 3 kustomize configs, 1 kube-proxy config,"
        " 1 kubeconfig, 1 kubelet config\n" in result.stderr
    )
