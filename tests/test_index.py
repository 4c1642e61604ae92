"""The cross-object index and selector matching."""

from __future__ import annotations

import pytest

from kubelint.index import ObjectIndex, label_selector_matches, service_selector_matches
from kubelint.loader import load_text
from kubelint.model import SourceFile

OBJECTS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: front}}
    spec: {containers: [{name: web, image: "web:1"}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: other}
spec: {selector: {app: web}}
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {template: {}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec: {minAvailable: 1, selector: {matchExpressions: [{key: tier, operator: In, values: [front]}]}}
---
apiVersion: v1
kind: Pod
metadata: {generateName: web-, namespace: shop}
spec: {containers: [{name: web, image: "web:1"}]}
"""


@pytest.fixture(scope="module")
def index():
    return ObjectIndex(load_text(OBJECTS, SourceFile("o.yaml", OBJECTS)).objects)


def test_lookups_are_exact_and_group_aware(index):
    deployment = index.get("Deployment", "web", "shop")
    [service] = index.services_for(deployment)
    assert (service.api_version, service.namespace) == ("v1", "shop")
    assert [s.namespace for s in index.of_kind("Service")] == ["shop", "other"]
    assert [h.name for h in index.hpas_for(deployment)] == ["web"]
    assert [p.name for p in index.pdbs_for(deployment)] == ["web"]
    assert [w.name for w in index.workloads_for(service)] == ["web"]
    assert index.get("Pod", "web-", "shop") is None  # a generateName is not a name


ADDED = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup}
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
---
apiVersion: v1
kind: Pod
metadata: {name: lone}
"""


JOB_LABELS = [
    "batch.kubernetes.io/controller-uid",
    "batch.kubernetes.io/job-completion-index",
    "batch.kubernetes.io/job-name",
    "controller-uid",
    "job-name",
]


def test_added_pod_labels_and_their_values():
    objects = load_text(ADDED, SourceFile("a.yaml", ADDED)).objects
    index = ObjectIndex(objects)
    added = {obj.kind: index.added_pod_labels(obj) for obj in objects}
    assert {kind: sorted(labels) for kind, labels in added.items()} == {
        "StatefulSet": [
            "apps.kubernetes.io/pod-index",
            "controller-revision-hash",
            "statefulset.kubernetes.io/pod-name",
        ],
        "CronJob": JOB_LABELS,
        "Job": JOB_LABELS,
        "DaemonSet": ["controller-revision-hash", "pod-template-generation"],
        "Deployment": ["pod-template-hash"],
        "Pod": [],
    }
    values = [
        ("StatefulSet", "statefulset.kubernetes.io/pod-name", "db-0", True),
        ("StatefulSet", "statefulset.kubernetes.io/pod-name", "db-x", False),
        ("StatefulSet", "statefulset.kubernetes.io/pod-name", "other-0", False),
        ("StatefulSet", "apps.kubernetes.io/pod-index", "2", True),
        ("CronJob", "job-name", "backup-28901460", True),
        ("CronJob", "job-name", "backup", False),
        ("Job", "batch.kubernetes.io/job-name", "migrate", True),
        ("Job", "job-name", "migrate-1", False),
        ("DaemonSet", "pod-template-generation", "3", True),
        ("DaemonSet", "pod-template-generation", "x", False),
        ("Deployment", "pod-template-hash", "7d4b9c", True),
        ("Deployment", "pod-template-hash", "", False),
    ]
    assert [added[kind][label](value) for kind, label, value, _ in values] == [
        expected for *_, expected in values
    ]


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        ({}, {"a": "1"}, True),
        (None, {"a": "1"}, False),
        ({"matchLabels": {"a": "1"}}, {"a": "1", "b": "2"}, True),
        ({"matchLabels": {"a": "2"}}, {"a": "1"}, False),
        ({"matchLabels": "a=1"}, {"a": "1"}, False),
        (
            {"matchExpressions": [{"key": "a", "operator": "In", "values": ["1", "2"]}]},
            {"a": "2"},
            True,
        ),
        ({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["1"]}]}, {}, True),
        ({"matchExpressions": [{"key": "a", "operator": "Exists"}]}, {"b": "1"}, False),
        ({"matchExpressions": [{"key": "a", "operator": "DoesNotExist"}]}, {"b": "1"}, True),
        ({"matchExpressions": "a in (1)"}, {"a": "1"}, False),
        ({"matchLabels": {"on": True}}, {"on": "true"}, True),
    ],
)
def test_label_selector(selector, labels, expected):
    assert label_selector_matches(selector, labels) is expected


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        ({"app": "web"}, {"app": "web", "x": "y"}, True),
        ({}, {"app": "web"}, False),
        (None, {"app": "web"}, False),
        ({"matchLabels": {"app": "web"}}, {"app": "web"}, False),
        ({"app": "web", "tier": "db"}, {"app": "web"}, False),
    ],
)
def test_service_selector(selector, labels, expected):
    assert service_selector_matches(selector, labels) is expected


def test_hpa_target_matches_by_group_and_old_pdbs_with_empty_selectors_select_nothing():
    text = OBJECTS.replace(
        "scaleTargetRef: {apiVersion: apps/v1,", "scaleTargetRef: {apiVersion: apps/v1beta2,"
    )
    text += (
        "---\napiVersion: policy/v1beta1\nkind: PodDisruptionBudget\n"
        "metadata: {name: old, namespace: shop}\nspec: {minAvailable: 1, selector: {}}\n"
        "---\napiVersion: v1\nkind: Service\nmetadata: {name: ext, namespace: shop}\n"
        "spec: {type: ExternalName, externalName: example.com, selector: {app: web}}\n"
    )
    index = ObjectIndex(load_text(text, SourceFile("o.yaml", text)).objects)
    deployment = index.get("Deployment", "web", "shop")
    assert [h.name for h in index.hpas_for(deployment)] == ["web"]
    assert [p.name for p in index.pdbs_for(deployment)] == ["web"]
    assert [s.name for s in index.services_for(deployment)] == ["web"]


MISTYPED_CORE_VERSION = """\
apiVersion: v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: web, image: "web:1", securityContext: {privileged: true}}]
---
apiVersion: v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec: {maxUnavailable: 0}
---
apiVersion: apps/v1
kind: Service
metadata: {name: web, namespace: shop}
---
apiVersion: example.com/v1
kind: Deployment
metadata: {name: custom, namespace: shop}
---
apiVersion: v1
kind: Bee
metadata: {name: bee, namespace: shop}
"""


def test_a_bare_core_version_on_a_kind_the_core_group_lacks_counts_as_that_kind():
    deployment, pdb, service, custom, bee = load_text(
        MISTYPED_CORE_VERSION, SourceFile("o.yaml", MISTYPED_CORE_VERSION)
    ).objects
    # v1 Deployment / v1 PodDisruptionBudget: only the built-in kind can be meant.
    assert deployment.is_kind("Deployment") and pdb.is_kind("PodDisruptionBudget")
    assert deployment.pod_spec_path() == ("spec", "template", "spec")
    assert deployment.is_long_running()
    assert deployment.api_group == ""  # as written: api-unknown-version reports it
    # Unchanged: a core kind in a named group, a custom resource of a built-in kind's
    # name, and a kind kubelint does not know (any group).
    assert not service.is_kind("Service")
    assert not custom.is_kind("Deployment")
    assert bee.is_kind("Bee")
    index = ObjectIndex([deployment, pdb, service, custom, bee])
    assert [d.name for d in index.of_kind("Deployment")] == ["web"]
    assert [p.name for p in index.of_kind("PodDisruptionBudget", "shop")] == ["web"]


@pytest.mark.parametrize(
    ("rule_id", "lines"),
    [
        ("api-unknown-version", [2, 10, 15, 23]),  # still reported, at the kind
        ("privileged-container", [7]),
        ("pdb-blocks-eviction", [12]),
    ],
)
def test_rules_check_an_object_with_a_mistyped_core_version(rule_id, lines):
    from tests.helpers import lint_only

    findings = lint_only(MISTYPED_CORE_VERSION, rule_id)
    assert sorted(f.line for f in findings if f.rule == rule_id) == lines


def test_an_hpa_finds_its_target_under_a_mistyped_core_version():
    text = (
        "apiVersion: v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n---\n"
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
        "metadata: {name: web, namespace: shop}\n"
        "spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web},"
        " maxReplicas: 3}\n---\n"
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
        "metadata: {name: other-group, namespace: shop}\n"
        "spec: {scaleTargetRef: {apiVersion: example.com/v1, kind: Deployment, name: web},"
        " maxReplicas: 3}\n"
    )
    index = ObjectIndex(load_text(text, SourceFile("o.yaml", text)).objects)
    deployment = index.get("Deployment", "web", "shop")
    assert [h.name for h in index.hpas_for(deployment)] == ["web"]


DEPLOYMENT_WITH_SECRET = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: "web:1"
          envFrom: [{secretRef: {name: web-credentials}}]
"""


def _secret(name: str) -> str:
    return f"apiVersion: v1\nkind: Secret\nmetadata: {{name: {name}, namespace: shop}}\n"


def test_whether_a_kind_is_managed_is_asked_of_the_objects_unit(tmp_path):
    """A Secret in a sibling directory (another example) neither makes nor hides a
    missing-Secret finding; the object referenced may still be anywhere in the input."""
    from kubelint.config import Config
    from kubelint.lint import lint_paths
    from tests.helpers import only_rule_config, registry

    (tmp_path / "web").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "web" / "deploy.yaml").write_text(DEPLOYMENT_WITH_SECRET)
    (tmp_path / "other" / "secret.yaml").write_text(_secret("other-credentials"))
    config: Config = only_rule_config("config-ref-missing")

    def findings() -> list[tuple[str, str, int]]:
        report = lint_paths([str(tmp_path)], config, registry())
        return [(f.rule, f.file.rpartition("/")[2], f.line) for f in report.findings]

    assert findings() == []  # was a finding: "other" has Secrets in shop
    (tmp_path / "web" / "secret.yaml").write_text(_secret("web-credential"))
    assert findings() == [("config-ref-missing", "deploy.yaml", 12)]
    # Defined in the sibling directory: found, whatever the unit.
    (tmp_path / "other" / "web.yaml").write_text(_secret("web-credentials"))
    assert findings() == []
