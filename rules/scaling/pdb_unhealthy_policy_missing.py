"""## What it does
Reports a PodDisruptionBudget that does not set `spec.unhealthyPodEvictionPolicy`, or
(with the `policy` option) sets another value than the one required. Off by default: the
API's default is a deliberate choice, and many budgets never meet the case. Only checked
when the target Kubernetes version has the field enabled (1.27 and later).

## Why is this bad?
Without the field, a budget uses `IfHealthyBudget`: a pod that is running but not ready
(crash-looping, stuck on a failed dependency) may only be evicted while the budget still
has room. When enough pods are unhealthy that the budget is exhausted, their evictions are
refused too, so a node drain waits forever on pods that serve nothing, and cluster upgrades
and autoscaler scale-downs stall. `AlwaysAllow` lets such pods be evicted whatever the
budget says, which is what most stateless workloads want; `IfHealthyBudget` is the safe
choice for applications that may lose data when a not-ready pod is evicted. Writing the
field down makes the choice explicit.

## Example
```yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: api
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: api}
```

## Use instead
```yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: api
spec:
  maxUnavailable: 1
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels: {app: api}
```

## Options
- `policy` (`AlwaysAllow`, `IfHealthyBudget` or `null`, default `null`): the value every
  budget must set; `null` accepts either, as long as it is written.

## References
- https://kubernetes.io/docs/tasks/run-application/configure-pdb/#unhealthy-pod-eviction-policy
- https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/pod-disruption-budget-v1/
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import Manifest, RuleContext, Violation, rule

#: The field is beta and enabled by default from Kubernetes 1.27 (GA in 1.31).
FIRST_MINOR = 27


@rule(
    id="pdb-unhealthy-policy-missing",
    severity="info",
    kinds=("PodDisruptionBudget",),
    enabled=False,
    summary="a PodDisruptionBudget does not set unhealthyPodEvictionPolicy",
    options={
        "policy": {
            "enum": ["AlwaysAllow", "IfHealthyBudget", None],
            "default": None,
            "description": "the value every budget must set (null: either)",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if not obj.is_kind("PodDisruptionBudget") or ctx.kubernetes_minor < FIRST_MINOR:
        return
    spec = obj.get(("spec",))
    if not isinstance(spec, Mapping):
        return
    budget = f"PodDisruptionBudget {obj.display_name or '?'!r}"
    wanted = ctx.options.get("policy")
    value = spec.get("unhealthyPodEvictionPolicy")
    if value is None:
        advice = (
            f"set it to {wanted}"
            if wanted
            else "set AlwaysAllow (or IfHealthyBudget, deliberately)"
        )
        yield ctx.violation(
            ("spec",),
            f"{budget} does not set unhealthyPodEvictionPolicy, so"
            " not-ready pods may only be evicted while the budget"
            f" has room and can block node drains; {advice}",
        )
    elif wanted and value != wanted:
        yield ctx.violation(
            ("spec", "unhealthyPodEvictionPolicy"),
            f"{budget} sets unhealthyPodEvictionPolicy: {value}; the policy requires {wanted}",
        )
