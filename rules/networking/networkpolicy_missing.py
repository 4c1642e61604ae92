"""## What it does
Reports a workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController,
Job, CronJob or bare Pod) whose pods no NetworkPolicy of their namespace selects: no
`networking.k8s.io` NetworkPolicy in the workload's namespace has a `spec.podSelector` (a
LabelSelector: `matchLabels` and `matchExpressions`; `{}` selects every pod of the
namespace) that matches the labels of the pod template, or none of those that do
isolates them for the directions required (see `policyTypes` below).

A policy isolates the pods it selects only in the directions of its `policyTypes`
(`Ingress` when the field is omitted, plus `Egress` when the policy has `egress` rules,
as the API server defaults it): a policy with `policyTypes: [Egress]` leaves its pods
open to any incoming traffic, and its `ingress` rules do nothing. By default a workload
is reported unless a policy isolates its pods for `Ingress`; the `policy-types` option
asks for `Egress` too. The policy's rules do not matter: a type without rules denies all
traffic in that direction, which is isolation.

A NetworkPolicy only ever applies to pods of its own namespace, so policies elsewhere do not
count. Namespaces are compared as they land: an object without `metadata.namespace` is in
the configured default namespace.

By default the rule only reports when the workload's unit (its chart rendering, kustomize
build, or the plain files of its directory) holds at least one NetworkPolicy in the
workload's namespace (the policies that select it may be anywhere in the input): a
repository that manages its policies elsewhere, or a single file linted by a pre-commit
hook, would otherwise get a finding for every workload. Set
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
- `policy-types` (list of `Ingress`, `Egress`; default `["Ingress"]`): the directions in
  which every pod must be isolated by a policy that selects it. `["Ingress", "Egress"]`
  also asks for egress isolation (a compromised pod then cannot reach arbitrary
  destinations, such as the cloud metadata endpoint or other namespaces).

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
    Control,
    Manifest,
    RuleContext,
    Violation,
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


def _policy_types(policy: Manifest) -> set[str]:
    """The directions the policy isolates, as the API server defaults ``policyTypes``:
    Ingress, plus Egress when it has egress rules."""
    spec = policy.get(("spec",))
    spec = spec if isinstance(spec, Mapping) else {}
    written = spec.get("policyTypes")
    if isinstance(written, list) and written:
        return {item for item in written if isinstance(item, str)}
    egress = spec.get("egress")
    return {"Ingress", "Egress"} if isinstance(egress, list) and egress else {"Ingress"}


def _required_types(option: Any) -> list[str]:
    if not isinstance(option, list):
        return ["Ingress"]
    return [kind for kind in ("Ingress", "Egress") if kind in option]


#: What a pod that no policy isolates in that direction is open to.
OPEN_TO = {"Ingress": "accept traffic from anywhere", "Egress": "may connect anywhere"}


def _names(policies: list[Manifest]) -> str:
    names = ", ".join(repr(policy.display_name or "?") for policy in policies[:5])
    return names + (f" and {len(policies) - 5} more" if len(policies) > 5 else "")


#: What the rule leaves out of the benchmarks' "every namespace has NetworkPolicies".
_PARTIAL = (
    "workloads that no NetworkPolicy isolates are reported; by default only where the"
    " input holds a NetworkPolicy of their namespace (always: true reports every one)"
)


@rule(
    id="networkpolicy-missing",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="no NetworkPolicy isolates the pods of a workload",
    options={
        "always": {
            "type": "boolean",
            "default": False,
            "description": "report workloads that no NetworkPolicy selects even when the"
            " input holds no NetworkPolicy in their namespace",
        },
        "policy-types": {
            "type": "array",
            "items": {"type": "string", "enum": ["Ingress", "Egress"]},
            "uniqueItems": True,
            "minItems": 1,
            "default": ["Ingress"],
            "description": "the directions (Ingress, Egress) in which a NetworkPolicy"
            " must isolate every pod",
        },
    },
    controls=(
        Control("cis:5.3.2", partial=_PARTIAL),
        Control("nsa:network-policies", partial=_PARTIAL),
    ),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if obj.kind == "PodTemplate":
        return
    spec = obj.pod_spec()
    if spec is None or spec.get("hostNetwork") is True:
        return
    namespace = ctx.namespace_of(obj) or ctx.index.default_namespace
    policies = list(ctx.index.of_kind("NetworkPolicy", namespace))
    # Policies anywhere in the input isolate these pods once applied; but only the
    # workload's own unit (directory, rendering) managing policies here makes a missing
    # one a gap rather than someone else's example.
    if not ctx.options["always"] and not ctx.index.unit(obj).has_kind("NetworkPolicy", namespace):
        return
    labels = obj.pod_template_labels()
    selecting = ctx.index.selecting("NetworkPolicy", namespace, labels, _pod_selector)
    isolated: set[str] = set()
    for policy in selecting:
        isolated |= _policy_types(policy)
    missing = [
        kind for kind in _required_types(ctx.options.get("policy-types")) if kind not in isolated
    ]
    if not missing:
        return
    shown = ", ".join(f"{key}={value}" for key, value in labels.items()) or "no labels"
    subject = f"{obj.kind} {obj.display_name or '?'!r}"
    if selecting:
        plural = "NetworkPolicies" if len(selecting) > 1 else "NetworkPolicy"
        whose = "none of which has" if len(selecting) > 1 else "which does not have"
        yield ctx.violation(
            _labels_path(obj),
            f"{subject}: its pods ({shown}) are selected by {plural}"
            f" {_names(selecting)}, {whose} {' or '.join(missing)} in its"
            " policyTypes, so they " + " and ".join(OPEN_TO[kind] for kind in missing),
        )
        return
    if policies:
        why = f"none of the NetworkPolicies of namespace {namespace!r} ({_names(policies)}) selects"
    else:
        why = f"the input holds no NetworkPolicy in namespace {namespace!r} to select"
    yield ctx.violation(
        _labels_path(obj),
        f"{subject}: {why} its pods ({shown}), so they accept traffic from"
        " anywhere and may connect anywhere",
    )
