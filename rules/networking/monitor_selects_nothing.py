"""## What it does
Reports a prometheus-operator `ServiceMonitor` whose `selector` matches the labels of no
Service, and a `PodMonitor` whose `selector` matches the pods of no workload, among those
of the input in the namespaces the monitor looks in: its own, or those its
`namespaceSelector.matchNames` lists (`monitoring.coreos.com` only).

A monitor that selects nothing is only reported when the input could have what it looks
for: those namespaces have Services (or, for a PodMonitor, workloads) in the input.
Whatever the operator scrapes elsewhere is not judged, so a monitor is left alone when:

- its namespaces have no Service (workload) in the input: a chart that ships monitors for
  Services deployed by another chart, or a monitor of the cluster's own `kube-system`
  Services (the kubelet's, DNS), which the cluster creates;
- its `namespaceSelector` is `any: true`: every namespace;
- the namespace has custom resources in the input (a `CephCluster`, a `Prometheus`, a
  `Kafka`...): their operators make Services and pods with labels the input does not
  show (Rook's `csi-metrics` and `rook-ceph-exporter` Services, the operator's
  `prometheus-operated`);
- it selects the API server's Service (`default/kubernetes`, labels `component: apiserver`
  and `provider: kubernetes`), which every cluster has.

An empty `selector` selects every Service (every pod) of the namespace.

## Why is this bad?
Prometheus discovers the targets of a monitor through its selector: the Services (and
their Endpoints) or the pods with these labels, in the namespaces of its
`namespaceSelector`, which is the monitor's own namespace when it is not set. A label
that the Service does not carry (a typo, a label renamed in the chart, the release name
in one place only) gives the monitor no target at all: no error, no alert, just no metrics
and alerts that never fire because their series do not exist.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
  labels: {app.kubernetes.io/name: api}
spec:
  selector: {app.kubernetes.io/name: api}
  ports: [{name: metrics, port: 9090}]
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels: {app: api}
  endpoints: [{port: metrics}]
```

## Use instead
```yaml
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
  labels: {app.kubernetes.io/name: api}
spec:
  selector: {app.kubernetes.io/name: api}
  ports: [{name: metrics, port: 9090}]
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: api}
  endpoints: [{port: metrics}]
```

## Options
- `always` (boolean, default `false`): also report a monitor when the namespaces it looks
  in hold no Service (or workload) in the input at all, for repositories that deploy
  everything they monitor (kube-linter's default).

## References
- https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitorSpec
- https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.NamespaceSelector
  ("If `matchNames` is empty and `any` is false, it means that the objects are selected
  from the current namespace")
- https://prometheus-operator.dev/docs/developer/troubleshooting/ (a ServiceMonitor that
  selects no Service)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import (
    Manifest,
    RuleContext,
    Violation,
    describe_selector,
    is_custom_resource,
    label_selector_matches,
    rule,
)

GROUP = "monitoring.coreos.com"
#: The API server's Service, which every cluster has in `default` (not in manifests).
API_SERVER_SERVICE = {"component": "apiserver", "provider": "kubernetes"}
#: prometheus-operator kinds that only configure scraping and make no Service or pod.
SCRAPE_CONFIG_KINDS = frozenset(
    {
        "ServiceMonitor",
        "PodMonitor",
        "Probe",
        "PrometheusRule",
        "ScrapeConfig",
        "AlertmanagerConfig",
    }
)


def _namespaces(obj: Manifest, namespace: str | None) -> list[str | None] | None:
    """The namespaces the monitor looks in: its own (no namespaceSelector, or an empty
    one), or those its ``matchNames`` lists; None for ``any: true`` (every namespace)."""
    selector = obj.get(("spec", "namespaceSelector"))
    if selector is None:
        return [namespace]
    if not isinstance(selector, Mapping) or selector.get("any") is True:
        return None
    names = selector.get("matchNames")
    if names is None or names == []:
        return [namespace]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return None
    return list(dict.fromkeys(names))


def _operator_made(obj: Manifest) -> bool:
    """Is ``obj`` a custom resource whose operator may make Services and pods (anything
    but the scrape configuration kinds of prometheus-operator)?"""
    return is_custom_resource(obj) and not (
        obj.api_group == GROUP and obj.kind in SCRAPE_CONFIG_KINDS
    )


@rule(
    id="monitor-selects-nothing",
    severity="warning",
    kinds=("ServiceMonitor", "PodMonitor"),
    summary="a ServiceMonitor or PodMonitor selects no Service or pod of its namespace in"
    " the input",
    options={
        "always": {
            "type": "boolean",
            "default": False,
            "description": "also report a monitor when the namespaces it looks in hold no"
            " Service (or workload) in the input at all",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if obj.api_group != GROUP:
        return
    selector = obj.get(("spec", "selector"))
    if selector is None:
        selector = {}  # a missing selector is the empty one: it selects everything
    if not isinstance(selector, Mapping):
        return  # malformed: the CRD's schema rejects it
    namespaces = _namespaces(obj, ctx.namespace_of(obj))
    if namespaces is None:
        return  # every namespace: the input cannot show them all
    candidates: list[Any] = []
    for namespace in namespaces:
        if obj.kind == "ServiceMonitor":
            what = "Service"
            candidates += [service.labels for service in ctx.index.of_kind("Service", namespace)]
        else:
            what = "workload"
            candidates += [
                other.pod_template_labels()
                for other in ctx.index.objects(namespace)
                if other.pod_spec_path() is not None
            ]
    real = len(candidates)
    if obj.kind == "ServiceMonitor" and "default" in namespaces:
        candidates.append(API_SERVER_SERVICE)
    if real == 0 and not ctx.options.get("always"):
        return  # nothing of the kind in the input: what it monitors is deployed elsewhere
    if any(label_selector_matches(selector, labels) for labels in candidates):
        return
    if any(
        _operator_made(other) for namespace in namespaces for other in ctx.index.objects(namespace)
    ):
        return  # an operator makes Services and pods the input does not show
    plural = "s" if real != 1 else ""
    where = (
        f"namespace {namespaces[0]!r}"
        if len(namespaces) == 1
        else "namespaces " + ", ".join(repr(n) for n in namespaces)
    )
    path = ("spec", "selector") if "selector" in (obj.get(("spec",)) or {}) else ("spec",)
    shown = describe_selector(selector)
    yield ctx.violation(
        path,
        f"{obj.kind} {obj.display_name or '?'!r}: selector ({shown}) matches"
        f" none of the {real} {what}{plural} of {where} in the input,"
        " so Prometheus scrapes nothing through it",
    )
