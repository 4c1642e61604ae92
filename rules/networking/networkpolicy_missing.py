"""## What it does
Reports a workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController,
Job, CronJob or bare Pod) whose pods no NetworkPolicy of their namespace selects: no
`networking.k8s.io` NetworkPolicy in the workload's namespace has a `spec.podSelector` (a
LabelSelector: `matchLabels` and `matchExpressions`; `{}` selects every pod of the
namespace) that matches the labels of the pod template.

A NetworkPolicy only ever applies to pods of its own namespace, so policies elsewhere do not
count. Namespaces are compared as they land: an object without `metadata.namespace` is in
the configured default namespace.

By default the rule only reports when the input holds at least one NetworkPolicy in the
workload's namespace: a repository that manages its policies elsewhere, or a single file
linted by a pre-commit hook, would otherwise get a finding for every workload. Set
`always: true` to report every workload that no policy of the input selects.

Not reported: PodTemplates (they run no pods), pods with `hostNetwork: true` (network
policies do not apply to host-network pods, so no policy can isolate them), and CRD kinds
named NetworkPolicy (Calico, Cilium), whose semantics differ; those policies are not counted
either.

## Why is this bad?
A pod that no NetworkPolicy selects is "non-isolated": it accepts traffic from every pod of
every namespace, and can reach any destination. In a namespace that has policies, such a pod
is usually an oversight (a new component whose labels no policy selects, or a label that was
renamed) and a hole in the intended isolation: a compromised pod anywhere in the cluster can
reach it. A default-deny policy (`podSelector: {}`) closes it. Policies are enforced only
by a network plugin that supports them (Calico, Cilium); the source notes (002, "网络选型需要
注意什么") list network-policy support among the criteria for choosing one.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
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
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
```

## Options
- `always` (boolean, default `false`): report a workload that no NetworkPolicy selects even
  when the input holds no NetworkPolicy in its namespace (for repositories that keep every
  policy next to the workloads).

## References
- https://kubernetes.io/docs/concepts/services-networking/network-policies/
- https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies
- Source notes 002 (网络选型需要注意什么: 网络策略)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import (
    POD_SPEC_KINDS,
    Manifest,
    RuleContext,
    Violation,
    label_selector_matches,
    rule,
)


def _pod_selector(policy: Manifest) -> Any:
    """The policy's podSelector; an omitted or null one decodes to an empty LabelSelector
    on the API server (the field is a struct, not a pointer), which selects every pod."""
    spec = policy.get(("spec",))
    if not isinstance(spec, Mapping):
        return None
    selector = spec.get("podSelector")
    return {} if selector is None else selector


def _labels_path(obj: Manifest) -> tuple[str | int, ...]:
    path = obj.pod_spec_path() or ("spec",)
    if len(path) > 1:
        return (*path[:-1], "metadata", "labels")
    return ("metadata", "labels")


@rule(id="networkpolicy-missing", severity="warning", kinds=POD_SPEC_KINDS,
      summary="no NetworkPolicy selects the pods of a workload",
      options={"always": {
          "type": "boolean", "default": False,
          "description": "report workloads that no NetworkPolicy selects even when the input"
                         " holds no NetworkPolicy in their namespace"}})
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if obj.kind == "PodTemplate":
        return
    spec = obj.pod_spec()
    if spec is None or spec.get("hostNetwork") is True:
        return
    namespace = ctx.namespace_of(obj) or ctx.index.default_namespace
    policies = list(ctx.index.of_kind("NetworkPolicy", namespace))
    if not policies and not ctx.options["always"]:
        return
    labels = obj.pod_template_labels()
    if any(label_selector_matches(_pod_selector(policy), labels) for policy in policies):
        return
    shown = ", ".join(f"{key}={value}" for key, value in labels.items()) or "no labels"
    if policies:
        names = ", ".join(repr(policy.name or "?") for policy in policies[:5])
        more = f" and {len(policies) - 5} more" if len(policies) > 5 else ""
        why = f"none of the NetworkPolicies of namespace {namespace!r} ({names}{more}) selects"
    else:
        why = f"the input holds no NetworkPolicy in namespace {namespace!r} to select"
    yield ctx.violation(_labels_path(obj),
                        f"{obj.kind} {obj.name or '?'!r}: {why} its pods ({shown}), so they"
                        " accept traffic from anywhere and may connect anywhere")
