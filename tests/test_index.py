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


@pytest.mark.parametrize(("selector", "labels", "expected"), [
    ({}, {"a": "1"}, True),
    (None, {"a": "1"}, False),
    ({"matchLabels": {"a": "1"}}, {"a": "1", "b": "2"}, True),
    ({"matchLabels": {"a": "2"}}, {"a": "1"}, False),
    ({"matchLabels": "a=1"}, {"a": "1"}, False),
    ({"matchExpressions": [{"key": "a", "operator": "In", "values": ["1", "2"]}]}, {"a": "2"},
     True),
    ({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["1"]}]}, {}, True),
    ({"matchExpressions": [{"key": "a", "operator": "Exists"}]}, {"b": "1"}, False),
    ({"matchExpressions": [{"key": "a", "operator": "DoesNotExist"}]}, {"b": "1"}, True),
    ({"matchExpressions": "a in (1)"}, {"a": "1"}, False),
    ({"matchLabels": {"on": True}}, {"on": "true"}, True),
])
def test_label_selector(selector, labels, expected):
    assert label_selector_matches(selector, labels) is expected


@pytest.mark.parametrize(("selector", "labels", "expected"), [
    ({"app": "web"}, {"app": "web", "x": "y"}, True),
    ({}, {"app": "web"}, False),
    (None, {"app": "web"}, False),
    ({"matchLabels": {"app": "web"}}, {"app": "web"}, False),
    ({"app": "web", "tier": "db"}, {"app": "web"}, False),
])
def test_service_selector(selector, labels, expected):
    assert service_selector_matches(selector, labels) is expected


def test_hpa_target_matches_by_group_and_old_pdbs_with_empty_selectors_select_nothing():
    text = OBJECTS.replace("scaleTargetRef: {apiVersion: apps/v1,",
                           "scaleTargetRef: {apiVersion: apps/v1beta2,")
    text += ("---\napiVersion: policy/v1beta1\nkind: PodDisruptionBudget\n"
             "metadata: {name: old, namespace: shop}\nspec: {minAvailable: 1, selector: {}}\n"
             "---\napiVersion: v1\nkind: Service\nmetadata: {name: ext, namespace: shop}\n"
             "spec: {type: ExternalName, externalName: example.com, selector: {app: web}}\n")
    index = ObjectIndex(load_text(text, SourceFile("o.yaml", text)).objects)
    deployment = index.get("Deployment", "web", "shop")
    assert [h.name for h in index.hpas_for(deployment)] == ["web"]
    assert [p.name for p in index.pdbs_for(deployment)] == ["web"]
    assert [s.name for s in index.services_for(deployment)] == ["web"]
