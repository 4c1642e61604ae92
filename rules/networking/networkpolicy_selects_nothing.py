"""## What it does
Reports a NetworkPolicy whose `spec.podSelector` is not empty but selects none of the pods
of its namespace: no workload in the input (Deployment, StatefulSet, DaemonSet, ReplicaSet,
ReplicationController, Job, CronJob, PodTemplate or bare Pod) in the policy's namespace
carries pod labels that match the selector (`matchLabels` and `matchExpressions`, as the
API server evaluates them).

An empty `podSelector` (`{}`, or omitted) selects every pod of the namespace and is never
reported. The rule only reports when the policy's unit (its chart rendering, kustomize
build, or the plain files of its directory) holds at least one workload in the policy's
namespace: a file of policies linted alone, or policies for pods that another repository
deploys, cannot be checked. The pods may come from anywhere in the input.

Operators create pods from custom resources, so the policy is not reported when:

- its selector matches the labels of a custom resource of the namespace (its own labels,
  `spec.template.metadata.labels` or `spec.podMetadata.labels`: a `Prometheus` of
  prometheus-operator, an Argo `Rollout`);
- a selected label value is a custom resource's name or starts with it and a dash
  (`app: rook-ceph-mon` and the Rook `CephCluster` `rook-ceph`);
- a selected label key is prefixed by the API group of a CRD or custom resource of the
  input, or a parent domain of it (`longhorn.io/component` and the CRDs of `longhorn.io`);
- it selects `app.kubernetes.io/managed-by` with an operator's name (not Helm, kustomize
  or another deployment tool) and the input holds custom resources.

CRD kinds named NetworkPolicy (Calico, Cilium) are not checked.

## Why is this bad?
A NetworkPolicy applies only to the pods its `podSelector` selects in its own namespace. A
selector with a typo, a label the pods do not carry (`app: web` against
`app.kubernetes.io/name: web`), or a policy applied to the wrong namespace is accepted by the
API server and silently isolates nothing: the pods it was written for stay open to every
pod of the cluster, and nobody notices until an audit or an incident.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: db
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: db}
  template:
    metadata:
      labels: {app.kubernetes.io/name: db}
    spec:
      containers:
        - name: postgres
          image: postgres:16.4
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db-only-from-api
spec:
  podSelector:
    matchLabels: {app: db}
  ingress:
    - from:
        - podSelector:
            matchLabels: {app: api}
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: db
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: db}
  template:
    metadata:
      labels: {app.kubernetes.io/name: db}
    spec:
      containers:
        - name: postgres
          image: postgres:16.4
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db-only-from-api
spec:
  podSelector:
    matchLabels: {app.kubernetes.io/name: db}
  ingress:
    - from:
        - podSelector:
            matchLabels: {app: api}
```

## Options
- `always` (boolean, default `false`): also report a policy whose unit deploys no pods in
  its namespace, for repositories that deploy every pod their policies select
  (kube-linter's default).

## References
- https://kubernetes.io/docs/concepts/services-networking/network-policies/
- https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import (
    Manifest,
    RuleContext,
    Violation,
    custom_resource_pod_labels,
    describe_selector,
    is_custom_resource,
    label_selector_matches,
    rule,
)


@rule(
    id="networkpolicy-selects-nothing",
    severity="warning",
    kinds=("NetworkPolicy",),
    summary="a NetworkPolicy podSelector selects no pods in the input",
    options={
        "always": {
            "type": "boolean",
            "default": False,
            "description": "also report a policy whose unit deploys no pods in its namespace",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    selector = obj.get(("spec", "podSelector"))
    if not isinstance(selector, Mapping) or not (
        selector.get("matchLabels") or selector.get("matchExpressions")
    ):
        return  # empty (selects every pod), or malformed: schema validation reports it
    namespace = ctx.namespace_of(obj) or ctx.index.default_namespace
    # The policy's unit (directory, rendering) must deploy pods here for "selects none" to
    # mean something; the pods it selects may come from anywhere in the input.
    workloads = ctx.index.unit(obj).workloads(namespace)
    if not workloads and not ctx.options.get("always"):
        return
    if ctx.index.workloads_matching(namespace, selector):
        return
    if any(
        label_selector_matches(selector, labels)
        for other in ctx.index.objects(namespace)
        if is_custom_resource(other)
        for labels in custom_resource_pod_labels(other)
    ):
        return  # an operator's pods (Prometheus, Alertmanager, Argo Rollouts...)
    if ctx.index.operator_source(namespace, labels=selector.get("matchLabels")) is not None:
        return  # rook-ceph-mon pods of the CephCluster rook-ceph, longhorn.io/component...
    count = len(ctx.index.workloads(namespace))
    among = (
        f"none of the {count} workload{'s' if count > 1 else ''} of namespace"
        f" {namespace!r} in the input"
        if count
        else f"no pod: the input deploys none in namespace {namespace!r}"
    )
    shown = describe_selector(selector)
    yield ctx.violation(
        ("spec", "podSelector"),
        f"NetworkPolicy {obj.display_name or '?'!r}: podSelector ({shown})"
        f" selects {among}, so it isolates no pod",
    )
