"""## What it does
Reports a `PodDisruptionBudget` that allows no voluntary disruption at all:

- `maxUnavailable: 0` (or `0%`);
- `minAvailable: 100%` (a percentage above 100% is rejected by the API server and
  reported too);
- an integer `minAvailable` at least the `spec.replicas` of the only workload of the
  input that the budget selects (a Deployment, StatefulSet, ReplicaSet or
  ReplicationController in the budget's namespace whose pod template labels the
  `spec.selector` matches).

The replica comparison needs the workload in the input: when the budget selects no
workload of the input, or several, or the workload has no explicit `spec.replicas`, or a
`HorizontalPodAutoscaler` of the input scales it (then `pdb-exceeds-hpa-min` compares
the budget with the HPA's minimum), only the first two checks apply.

## Why is this bad?
`kubectl drain` (how a node is taken out for maintenance, source notes 001,
"怎么使一个node脱离集群调度"), node-pool upgrades and the cluster autoscaler evict pods
through the eviction API, which refuses an eviction when the budget's
`disruptionsAllowed` is 0. A budget that can never allow a disruption makes every drain
of a node running one of its pods retry forever: maintenance and upgrades hang until
someone deletes the budget or the pods by hand, which is exactly the unprotected
disruption the budget was meant to prevent. To keep all replicas up during a drain, run
one more replica than the budget requires (`maxUnavailable: 1`).

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.4
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: api
spec:
  minAvailable: 3
  selector:
    matchLabels: {app: api}
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.4
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: api
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: api}
```

## References
- https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-budgets
- https://kubernetes.io/docs/tasks/run-application/configure-pdb/#think-about-how-your-application-reacts-to-disruptions
- https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/
- Source notes 001 (怎么使一个node脱离集群调度，比如要停机维护单又不能影响业务应用): "使用kubectl
  drain 命令"
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import Any

from kubelint.api import SCALABLE_KINDS, Manifest, RuleContext, Violation, lazy_compile, rule

PERCENT = lazy_compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _percent(value: Any) -> Fraction | None:
    if not isinstance(value, str):
        return None
    match = PERCENT.match(value)
    return Fraction(match.group(1)) if match else None


@rule(
    id="pdb-blocks-eviction",
    severity="warning",
    kinds=("PodDisruptionBudget",),
    summary="a PodDisruptionBudget allows no disruption, so node drains never finish",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.get(("spec",))
    if not isinstance(spec, Mapping):
        return
    budget = f"PodDisruptionBudget {obj.display_name or '?'!r}"
    hangs = "no pod it selects can ever be evicted, so node drains hang"
    max_unavailable = spec.get("maxUnavailable")
    if _int(max_unavailable) == 0 or _percent(max_unavailable) == 0:
        yield ctx.violation(
            ("spec", "maxUnavailable"), f"{budget} has maxUnavailable {max_unavailable}: {hangs}"
        )
    min_available = spec.get("minAvailable")
    percent = _percent(min_available)
    if percent is not None and percent >= 100:
        extra = "" if percent == 100 else " (and the API server rejects more than 100%)"
        yield ctx.violation(
            ("spec", "minAvailable"), f"{budget} has minAvailable {min_available}: {hangs}{extra}"
        )
        return
    minimum = _int(min_available)
    if minimum is None or minimum < 1:
        return
    workloads = ctx.index.workloads_of_budget(obj)
    if len(workloads) != 1:
        return
    workload = workloads[0]
    if not any(workload.is_kind(kind) for kind in SCALABLE_KINDS):
        return
    replicas = _int(workload.get(("spec", "replicas")))
    if replicas is None or replicas < 1 or ctx.index.hpas_for(workload):
        return
    if minimum >= replicas:
        yield ctx.violation(
            ("spec", "minAvailable"),
            f"{budget} has minAvailable {minimum}, but the only workload it"
            f" selects, {workload.kind} {workload.display_name or '?'!r}, runs"
            f" {replicas} replica{'s' if replicas != 1 else ''}: {hangs}",
        )
