"""Helm charts rendered by Helm's own engine, findings at template lines and values keys.

Charts render through the real renderer (the helm binary on PATH, else the
helm-python-sdk wheel the test extras install); the tests skip with the reason when
neither is available.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kubelint.config import Config
from kubelint.helm import (
    Body,
    ChartOptions,
    actions,
    find_renderer,
    lint_chart,
    mark_lines,
    unmark,
    values_refs,
)
from kubelint.lint import Linter
from tests.helpers import FIXTURES, ROOT, registry

RENDERER = find_renderer()
needs_renderer = pytest.mark.skipif(
    RENDERER is None, reason="no Helm renderer: helm on PATH or pip install 'kubelint[helm]'"
)
SHOP = FIXTURES / "charts" / "shop"
RENDER_FIXTURES = FIXTURES / "helm-render"


def lint(chart: Path, rules: set[str], **options) -> list[tuple[str, str, int, int, str]]:
    """(rule, file, line, column, message) of the chart's findings with only ``rules``."""
    reg = registry()
    config = Config(cli_enable=set(rules), cli_disable=set(reg.rules) - set(rules))
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        loaded = lint_chart(str(chart.relative_to(ROOT)), ChartOptions(**options), RENDERER)
        report = Linter(config, reg).run(loaded)
    finally:
        os.chdir(cwd)
    return [(f.rule, f.file, f.line, f.column, f.message) for f in report.findings]


# -- the template scanner and markers (no renderer needed) ----------------------------


def test_actions_skip_strings_comments_and_raw_strings():
    text = (
        'a: {{ "}}" }}\n{{- /* a comment }} with braces\n */ -}}\n'
        "b: {{ `raw }}\nstring` | quote }}\n{{- if .x -}}"
    )
    found = [
        (text[a.start : a.end], a.trims_before, a.trims_after, a.keyword) for a in actions(text)
    ]
    assert found == [
        ('{{ "}}" }}', False, False, ""),
        ("{{- /* a comment }} with braces\n */ -}}", True, True, "/*"),
        ("{{ `raw }}\nstring` | quote }}", False, False, ""),
        ("{{- if .x -}}", True, True, "if"),
    ]


def test_markers_only_where_the_newline_reaches_the_output():
    template = (
        "kind: ConfigMap\n"  # 0: marked
        "data:\n"  # 1: the {{- below trims its newline
        "  {{- with .Values.x }}\n"  # 2: marked
        "  a: {{ . -}}\n"  # 3: -}} trims its newline
        "  \n"  # 4: trimmed too (only spaces before it)
        "  b: c\n"  # 5: marked
        "  c: d\n"  # 6: the {{- below trims it
        "  {{- end }}\n"  # 7: marked
        '{{ define "x" }}\n'  # 8: inside define: never marked
        "  d: e\n"  # 9: inside define
        "{{ end }}\n"
    )  # 10: marked
    marked, _bodies = mark_lines(template, branches=False)
    assert [
        line.rpartition(" #kubelint-line=")[2] if "#kubelint-line=" in line else None
        for line in marked.split("\n")
    ] == ["0", None, "2", None, None, "5", None, "7", None, None, "10", None]


def test_crlf_templates_keep_their_line_ends():
    marked, _bodies = mark_lines("a: b\r\nc: d\r\n")
    assert marked == "a: b #kubelint-line=0\r\nc: d #kubelint-line=1\r\n"
    assert unmark(marked) == ("a: b\r\nc: d\r\n", [0, 1, None], [[], [], []])


def test_branch_marks_keep_the_trims_and_name_the_bodies():
    template = (
        "spec:\n"  # 0
        "  {{- if .Values.a }}\n"  # 1: body 1..2
        "  a: 1\n"  # 2
        "  {{- else -}}\n"  # 3: body 3..4
        "  b: 2\n"  # 4
        "  {{- end }}\n"  # 5
        "  {{- with .Values.sc }}\n"  # 6: body 6..8, subject sc
        "  sc: {{- toYaml . | nindent 4 }}\n"  # 7
        "  {{- end }}\n"
    )  # 8
    marked, bodies = mark_lines(template)
    assert bodies == [Body(1, 3), Body(3, 5), Body(6, 8, ("sc",))]
    assert '{{- else -}}{{ " #kubelint-branch=3" -}}' in marked
    assert '{{- if .Values.a }}{{ " #kubelint-branch=1" }}' in marked


def test_values_refs():
    assert values_refs('image: "{{ .Values.image.repository }}:{{ $.Values.image.tag }}"') == [
        ("image", "repository"),
        ("image", "tag"),
    ]
    assert values_refs('{{ include "x" (dict "v" .Values.a) }} {{ (.Values).b }}') == [("a",)]


# -- rendering is exactly Helm's ------------------------------------------------------


@needs_renderer
@pytest.mark.parametrize(
    "chart",
    [SHOP, FIXTURES / "charts" / "platform", RENDER_FIXTURES / "pass-renders"],
    ids=lambda path: path.name,
)
def test_markers_change_nothing_helm_renders(chart, tmp_path):
    """Rendered with markers and unmarked, every template is byte for byte what Helm
    renders from the chart as it is."""
    from kubelint.helm import RenderRequest, _Chart, _marked_copy

    plain = RENDERER.render(RenderRequest(str(chart)))
    copy, _ = _marked_copy(_Chart(str(chart)), str(tmp_path))
    marked = RENDERER.render(RenderRequest(copy))
    assert sorted(marked) == sorted(plain)
    assert {name: unmark(text)[0] for name, text in marked.items()} == plain


# -- findings at template lines ---------------------------------------------------------


@needs_renderer
def test_findings_point_at_the_template_line():
    deployment = "fixtures/charts/shop/templates/deployment.yaml"
    assert lint(SHOP, {"service-target-port-unknown", "pdb-missing", "restart-policy"}) == [
        (
            "pdb-missing",
            deployment,
            8,
            3,
            "Deployment 'release-name-shop' runs 2 replicas, but no PodDisruptionBudget in"
            " namespace 'default' selects its pods: a node drain can evict them all at once"
            " (value replicaCount from fixtures/charts/shop/values.yaml:1)",
        ),
        (
            "service-target-port-unknown",
            "fixtures/charts/shop/templates/service.yaml",
            13,
            7,
            "Service 'release-name-shop' port 'http' targets the named port 'web', which none"
            " of the pods it selects (Deployment 'release-name-shop') declare; they declare"
            " 'http'",
        ),
        (
            "restart-policy",
            "fixtures/charts/shop/templates/worker.yaml",
            11,
            7,
            "Job 'release-name-shop-reindex' pod template has restartPolicy 'Always'; a Job"
            " allows OnFailure or Never",
        ),
    ]


@needs_renderer
def test_values_file_lines_and_ci_values_renderings():
    """A value from values.yaml or a ci/*-values.yaml file names the file and key line;
    what only the ci rendering shows says so, once per template line."""
    findings = lint(SHOP, {"privileged-container", "image-tag-latest", "ephemeral-storage-missing"})
    base = "fixtures/charts/shop"
    ci = f"{base}/ci/privileged-values.yaml"
    assert findings == [
        (
            "image-tag-latest",
            f"{base}/templates/deployment.yaml",
            23,
            11,
            "container 'web' image 'registry.example.com/shop/web:latest' uses the moving tag"
            f" 'latest'; pin a version (or a digest) (value image.tag from {ci}:3)"
            " (with ci/privileged-values.yaml)",
        ),
        (
            "privileged-container",
            f"{base}/templates/deployment.yaml",
            29,
            13,
            "container 'web' runs privileged: it has every capability and all host devices;"
            f" set privileged: false (value securityContext.privileged from {ci}:5)"
            " (with ci/privileged-values.yaml)",
        ),
        (
            "ephemeral-storage-missing",
            f"{base}/templates/deployment.yaml",
            31,
            13,
            "container 'web' sets no ephemeral-storage request or limit: it can fill the"
            " node's disk, and the scheduler does not account for its disk use (value"
            f" resources.requests from {base}/values.yaml:19)",
        ),
        (
            "ephemeral-storage-missing",
            f"{base}/templates/tests/test-connection.yaml",
            10,
            7,
            "container 'wget' sets no ephemeral-storage request or limit: it can fill the"
            " node's disk, and the scheduler does not account for its disk use",
        ),
        (
            "image-tag-latest",
            f"{base}/templates/worker.yaml",
            14,
            11,
            "container 'reindex' image 'registry.example.com/shop/web:latest' uses the moving"
            f" tag 'latest'; pin a version (or a digest) (value image.tag from {ci}:3)"
            " (with ci/privileged-values.yaml)",
        ),
        (
            "privileged-container",
            f"{base}/templates/worker.yaml",
            16,
            13,
            "container 'reindex' runs privileged: it has every capability and all host"
            f" devices; set privileged: false (value securityContext.privileged from {ci}:5)"
            " (with ci/privileged-values.yaml)",
        ),
        (
            "ephemeral-storage-missing",
            f"{base}/templates/worker.yaml",
            18,
            13,
            "container 'reindex' sets no ephemeral-storage request or limit: it can fill the"
            " node's disk, and the scheduler does not account for its disk use (value"
            f" resources.requests from {base}/values.yaml:19)",
        ),
    ]
    without_ci = lint(SHOP, {"privileged-container", "image-tag-latest"}, ci_values=False)
    assert without_ci == []


@needs_renderer
def test_values_files_and_set_as_helm_merges_them(tmp_path):
    prod = tmp_path / "prod.yaml"
    prod.write_text("service:\n  port: 80\n")
    findings = lint(
        SHOP,
        {"privileged-port"},
        values_files=[str(prod)],
        set_values=["replicaCount=3"],
        ci_values=False,
    )
    assert findings == [
        (
            "privileged-port",
            "fixtures/charts/shop/templates/deployment.yaml",
            27,
            15,
            "container 'web' listens on port 80, below 1024: unless the container runtime"
            " lowers net.ipv4.ip_unprivileged_port_start for pods (containerd 2.0 and Docker"
            " do, CRI-O does not by default), only root or NET_BIND_SERVICE may bind it; set"
            " the sysctl in the pod's securityContext, or listen on an unprivileged port and"
            f" map it in the Service (value service.port from {prod}:2)",
        ),
    ]


@needs_renderer
def test_subchart_templates_and_their_values_in_the_parent():
    findings = lint(FIXTURES / "charts" / "platform", {"image-tag-latest"})
    assert findings == [
        (
            "image-tag-latest",
            "fixtures/charts/platform/charts/cache/templates/statefulset.yaml",
            15,
            11,
            "container 'cache' image 'registry.example.com/cache:latest' uses the moving tag"
            " 'latest'; pin a version (or a digest) (value image.tag from"
            " fixtures/charts/platform/values.yaml:3)",
        ),
    ]


@needs_renderer
def test_suppression_comments_in_templates(tmp_path):
    chart = tmp_path / "shop"
    shutil.copytree(SHOP, chart)
    service = chart / "templates" / "service.yaml"
    service.write_text(
        service.read_text().replace(
            "{{ else }}web{{ end }}",
            "{{ else }}web{{ end }}  # kubelint: disable=service-target-port-unknown",
        )
    )
    reg = registry()
    config = Config(
        cli_enable={"service-target-port-unknown"},
        cli_disable=set(reg.rules) - {"service-target-port-unknown"},
    )
    report = Linter(config, reg).run(lint_chart(str(chart), ChartOptions(), RENDERER))
    assert report.findings == []


@needs_renderer
def test_release_namespace_and_kubernetes_version_reach_the_templates():
    loaded = lint_chart(
        str(RENDER_FIXTURES / "pass-renders"),
        ChartOptions(release="shop", namespace="store", kube_version="1.29"),
        RENDERER,
    )
    [configmap] = [obj for item in loaded for obj in item.objects]
    assert configmap.data["metadata"] == {"name": "shop-settings", "namespace": "store"}
    assert configmap.data["data"]["kubernetes"] == "v1.29.0"


# -- what cannot be rendered is a finding ---------------------------------------------------


@needs_renderer
def test_template_error_at_the_line_helm_names():
    assert lint(RENDER_FIXTURES / "fail-template-error", {"helm-render"}) == [
        (
            "helm-render",
            "fixtures/helm-render/fail-template-error/templates/configmap.yaml",
            6,
            10,
            "execution error at (settings/templates/configmap.yaml:6:10): database.url is required",
        ),
    ]


@needs_renderer
def test_template_parse_error(tmp_path):
    chart = tmp_path / "broken"
    shutil.copytree(RENDER_FIXTURES / "pass-renders", chart)
    (chart / "templates" / "configmap.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }\n"
    )
    report = Linter(Config(), registry()).run(lint_chart(str(chart), ChartOptions(), RENDERER))
    [finding] = report.findings
    assert (finding.rule, finding.file, finding.line) == (
        "helm-render",
        f"{chart}/templates/configmap.yaml",
        4,
    )
    assert finding.message.startswith("parse error at (settings/templates/configmap.yaml:4):")


def test_missing_dependency_is_reported_at_chart_yaml_and_never_fetched():
    # No renderer is needed to know Helm would refuse: nothing is rendered.
    loaded = lint_chart(str(RENDER_FIXTURES / "fail-missing-dependency"), ChartOptions(), RENDERER)
    report = Linter(Config(), registry()).run(loaded)
    assert [
        (f.rule, f.file.rsplit("fixtures/", 1)[1], f.line, f.column, f.message)
        for f in report.findings
    ] == [
        (
            "helm-render",
            "helm-render/fail-missing-dependency/Chart.yaml",
            5,
            5,
            "chart dependency 'postgresql' from oci://registry.example.com/charts is not in"
            " charts/; kubelint never downloads charts: run `helm dependency build` and commit"
            " charts/, or exclude the chart",
        ),
    ]


def test_no_renderer_is_one_clear_finding_on_chart_yaml():
    report = Linter(Config(), registry()).run(lint_chart(str(SHOP), ChartOptions(), None))
    assert [
        (f.rule, f.file.rsplit("fixtures/", 1)[1], f.line, f.message) for f in report.findings
    ] == [
        (
            "helm-render",
            "charts/shop/Chart.yaml",
            1,
            "this is a Helm chart, and no Helm renderer is available to render it: install one"
            " with `pip install 'kubelint[helm]'`, or put the helm binary on PATH",
        ),
    ]


def test_no_renderer_from_the_command_line(tmp_path):
    """helm not on PATH and helm_python not importable: one finding, exit 1, and no
    yaml-syntax on the templates."""
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "helm_python.py").write_text("raise ImportError('blocked by the test')\n")
    env = {
        **os.environ,
        "PATH": str(Path(sys.executable).parent),
        "PYTHONPATH": os.pathsep.join([str(blocker), str(ROOT)]),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kubelint",
            "check",
            "--no-config",
            "--no-color",
            "fixtures/charts/shop",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "fixtures/charts/shop/Chart.yaml:1:1: error helm-render this is a Helm"
        " chart, and no Helm renderer is available to render it: install one"
        " with `pip install 'kubelint[helm]'`, or put the helm binary on PATH"
    )
    assert "yaml-syntax" not in result.stdout and "manifest-structure" not in result.stdout


@needs_renderer
def test_values_schema_errors_point_at_the_values_key(tmp_path):
    """One finding per values.schema.json violation, at the key it names."""
    chart = tmp_path / "settings"
    shutil.copytree(RENDER_FIXTURES / "pass-renders", chart)
    (chart / "values.schema.json").write_text(
        '{"type": "object", "properties": {"replicas": {"type": "integer", "minimum": 1},'
        ' "mode": {"enum": ["fast", "safe"]}}}'
    )
    (chart / "values.yaml").write_text(
        "database:\n  url: postgres://db\nreplicas: 0\nmode: quick\n"
    )
    report = Linter(Config(), registry()).run(lint_chart(str(chart), ChartOptions(), RENDERER))
    head = (
        "values don't meet the specifications of the schema(s) in the following chart(s): settings:"
    )
    assert sorted(
        (f.rule, f.file, f.line, f.column, f.message.split(": ", 3)[-1]) for f in report.findings
    ) == [
        ("helm-render", f"{chart}/values.yaml", 3, 1, "minimum: got 0, want 1"),
        ("helm-render", f"{chart}/values.yaml", 4, 1, "value must be one of 'fast', 'safe'"),
    ]
    assert all(f.message.startswith(f"{head} at '/") for f in report.findings)


@needs_renderer
def test_a_symlink_loop_in_a_chart_is_a_finding_not_a_hang(tmp_path):
    chart = tmp_path / "loop"
    shutil.copytree(RENDER_FIXTURES / "pass-renders", chart)
    (chart / "files").mkdir()
    (chart / "files" / "again").symlink_to(chart / "files")
    report = Linter(Config(), registry()).run(lint_chart(str(chart), ChartOptions(), RENDERER))
    [finding] = report.findings
    assert (finding.rule, finding.file, finding.line) == ("helm-render", f"{chart}/Chart.yaml", 1)
    assert finding.message.startswith(f"cannot read the chart: {chart}/files/again/again/")


@needs_renderer
def test_dns_lookups_in_templates_are_never_made(tmp_path):
    chart = tmp_path / "dns"
    shutil.copytree(RENDER_FIXTURES / "pass-renders", chart)
    (chart / "templates" / "configmap.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dns\n"
        'data:\n  ip: {{ getHostByName "kubernetes.io" | quote }}\n'
    )
    [configmap] = [
        obj for item in lint_chart(str(chart), ChartOptions(), RENDERER) for obj in item.objects
    ]
    assert configmap.data["data"] == {"ip": ""}


@needs_renderer
@pytest.mark.parametrize(
    ("broken", "line"), [("values.yaml", 2), ("Chart.yaml", 3), ("extra-values.yaml", 2)]
)
def test_unparsable_values_or_chart_yaml_at_their_line(tmp_path, broken, line):
    chart = tmp_path / "settings"
    shutil.copytree(RENDER_FIXTURES / "pass-renders", chart)
    extra = tmp_path / "extra-values.yaml"
    extra.write_text("database:\n  url: x\n")
    target = extra if broken == "extra-values.yaml" else chart / broken
    target.write_text(
        {
            "values.yaml": "database:\n  url: [x\n",
            "Chart.yaml": "apiVersion: v2\nname: x\nversion: [\n",
            "extra-values.yaml": "database:\n  url: [x\n",
        }[broken]
    )
    loaded = lint_chart(str(chart), ChartOptions(values_files=[str(extra)]), RENDERER)
    report = Linter(Config(), registry()).run(loaded)
    [finding] = report.findings
    assert (finding.rule, finding.file, finding.line) == ("helm-render", str(target), line)
    assert f"yaml: line {line}:" in finding.message


@needs_renderer
def test_a_packed_subchart_is_rendered_and_named(tmp_path):
    """A dependency vendored as charts/<name>-<version>.tgz (what `helm dependency build`
    writes): rendered as Helm renders it, findings on the archive with the template's
    name, since there is no line to point into."""
    helm = pytest.importorskip("helm_python")
    chart = tmp_path / "platform"
    shutil.copytree(FIXTURES / "charts" / "platform", chart)
    helm.package(str(chart / "charts" / "cache"), destination=str(chart / "charts"))
    shutil.rmtree(chart / "charts" / "cache")
    report = Linter(
        Config(
            cli_enable={"image-tag-latest"},
            cli_disable=set(registry().rules) - {"image-tag-latest"},
        ),
        registry(),
    ).run(lint_chart(str(chart), ChartOptions(), RENDERER))
    assert [(f.rule, f.file, f.line, f.template) for f in report.findings] == [
        (
            "image-tag-latest",
            f"{chart}/charts/cache-0.2.0.tgz",
            1,
            "platform/charts/cache/templates/statefulset.yaml",
        )
    ]


@pytest.mark.parametrize(
    ("path", "plain"),
    [
        ("templates/deployment.yaml", False),
        ("templates/_helpers.tpl", False),
        ("Chart.yaml", False),
        ("values.yaml", False),
        ("values-prod.yaml", False),
        ("ci/prod-values.yaml", False),
        ("values.schema.json", False),
        ("Chart.lock", False),
        ("charts/redis/templates/x.yaml", False),
        ("charts/redis/values.yaml", False),
        ("crds/carts.yaml", True),
        ("charts/redis/crds/x.yaml", True),
        ("examples/deployment.yaml", True),
        ("files/dashboard.json", True),
    ],
)
def test_which_files_of_a_chart_are_plain_manifests(path, plain):
    from kubelint.layout import is_plain_manifest

    assert is_plain_manifest("/repo/chart", f"/repo/chart/{path}") is plain


@needs_renderer
def test_blocks_that_did_not_run_are_never_blamed():
    """Between two marked lines, `if`/`with` blocks that did not render (their branch mark
    is missing) are left out: toYaml output lands on the action that printed it, and
    `key: {{- include … }}` lines are recognised with the space the trim removes."""
    findings = lint(FIXTURES / "charts" / "branches", {"privileged-container", "schema"})
    deployment = "fixtures/charts/branches/templates/deployment.yaml"
    values = "fixtures/charts/branches/values.yaml"
    assert findings == [
        (
            "privileged-container",
            deployment,
            15,
            11,
            "container 'web' runs privileged: it has every capability and all host devices; set"
            f" privileged: false (value sc.privileged from {values}:2)",
        ),
        (
            "schema",
            deployment,
            23,
            9,
            'spec.template.spec.tolerations[0].effect is "NoScheduleX"; expected one of'
            ' "NoExecute", "NoSchedule", "PreferNoSchedule" (value tolerations[0].effect from'
            f" {values}:6)",
        ),
    ]
