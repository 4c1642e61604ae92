"""## What it does
Reports a `PodDisruptionBudget` whose `minAvailable` is at least the `minReplicas` of a
`HorizontalPodAutoscaler` that scales a workload the budget selects. The workloads are
those of the input in the budget's namespace whose pod template labels the budget's
`spec.selector` matches; their HPAs are those of the input whose `scaleTargetRef` names
them. An HPA without `minReplicas` has the default minimum of 1.

An integer `minAvailable` is compared directly. A percentage below 100% is converted as
the disruption controller does, rounding up: `minAvailable: 90%` at 5 replicas requires
5 pods. (`100%` is reported by `pdb-blocks-eviction`.) A budget with `maxUnavailable`
is not checked: it always allows its number of disruptions.

When the workload or its HPA is not in the input, the rule cannot compare them and
reports nothing.

## Why is this bad?
The HPA scales the workload down to `minReplicas` when load is low (source notes 004,
"Horizontal Pod Autoscaler（HPA）": the HPA controller adjusts the number of replicas).
At that size a budget that requires as many available pods as there are replicas allows
no disruption: every `kubectl drain` (source notes 001) of a node running one of the pods,
every node-pool upgrade and every cluster-autoscaler scale-down retries forever. It
usually works in the busy hours, when the HPA has scaled out, and hangs at night, when
maintenance runs. Use `maxUnavailable: 1`, or keep `minAvailable` below `minReplicas`.

## Example
```yaml
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
          image: registry.example.com/api:1.4
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: api
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: api
  minReplicas: 2
  maxReplicas: 10
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: api
spec:
  minAvailable: 2
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
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: api
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: api
  minReplicas: 2
  maxReplicas: 10
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
- https://kubernetes.io/docs/tasks/run-application/configure-pdb/#rounding-logic-when-specifying-percentages
- https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
- https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/
- Source notes 004 (Horizontal Pod Autoscaler（HPA）) and 001 (怎么使一个node脱离集群调度):
  "使用kubectl drain 命令"
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import Any

from kubelint.api import Manifest, RuleContext, Violation, lazy_compile, rule

PERCENT = lazy_compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


@rule(
    id="pdb-exceeds-hpa-min",
    severity="warning",
    kinds=("PodDisruptionBudget",),
    summary="a PodDisruptionBudget's minAvailable blocks every eviction at the HPA's minimum",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.get(("spec",))
    if not isinstance(spec, Mapping):
        return
    min_available = spec.get("minAvailable")
    required: Any
    fixed = _int(min_available)
    percent: Fraction | None = None
    if fixed is None:
        match = PERCENT.match(min_available) if isinstance(min_available, str) else None
        if match is None:
            return
        percent = Fraction(match.group(1))
        if not 0 < percent < 100:
            return  # 0% protects nothing; 100% and more: pdb-blocks-eviction
    elif fixed < 1:
        return
    budget = f"PodDisruptionBudget {obj.display_name or '?'!r}"
    reported: set[int] = set()
    for workload in ctx.index.workloads_of_budget(obj):
        for hpa in ctx.index.hpas_for(workload):
            if id(hpa) in reported:
                continue
            raw = hpa.get(("spec", "minReplicas"))
            minimum = 1 if raw is None else _int(raw)
            if minimum is None or minimum < 1:
                continue  # malformed or scale-to-zero: hpa-min-max reports it
            if percent is not None:
                required = math.ceil(percent * minimum / 100)
                shown = f"{min_available} (= {required} of {minimum} pods, rounded up)"
            else:
                required = fixed
                shown = str(fixed)
            if required < minimum:
                continue
            reported.add(id(hpa))
            floor = (
                f"minReplicas {minimum}"
                if raw is not None
                else "no minReplicas (so a minimum of 1)"
            )
            yield ctx.violation(
                ("spec", "minAvailable"),
                f"{budget} has minAvailable {shown}, but"
                f" HorizontalPodAutoscaler {hpa.display_name or '?'!r} scales"
                f" {workload.kind} {workload.display_name or '?'!r} down to"
                f" {floor}:"
                " at that size no pod can be evicted and node drains hang",
            )
