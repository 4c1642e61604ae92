"""## What it does
Reports a `HorizontalPodAutoscaler` whose `minReplicas` is below 2 (the `min` option),
including an HPA without `minReplicas`, which defaults to 1. A `minReplicas` of 0 (scale
to zero, an alpha feature) is left to `hpa-min-max`.

## Why is this bad?
The HPA scales the workload down to `minReplicas` whenever load is low (source notes 004,
"Horizontal Pod Autoscaler（HPA）"). At one replica, the loss of that one pod (a crash, an
OOM kill, a node failure, a node drain) is an outage until a new pod is scheduled,
started and ready; a PodDisruptionBudget cannot help either, since it must then either
block drains or allow the outage. Two replicas on different nodes keep serving while one
is replaced.

## Example
```yaml
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 1
  maxReplicas: 10
```

## Use instead
```yaml
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 10
```

## Options
- `min` (integer, default `2`): the lowest `minReplicas` accepted.

## References
- https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
- https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/#HorizontalPodAutoscalerSpec
- Source notes 004 (Horizontal Pod Autoscaler（HPA）): "HPA控制器实现基于CPU使用率进行自动Pod
  扩缩容的功能"
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import Manifest, RuleContext, Violation, rule


@rule(
    id="hpa-min-replicas-low",
    severity="info",
    kinds=("HorizontalPodAutoscaler",),
    summary="a HorizontalPodAutoscaler may scale down to a single replica",
    options={
        "min": {
            "type": "integer",
            "minimum": 1,
            "default": 2,
            "description": "the lowest minReplicas accepted",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.get(("spec",))
    if not isinstance(spec, Mapping):
        return
    wanted = ctx.options.get("min", 2)
    if isinstance(wanted, bool) or not isinstance(wanted, int):
        wanted = 2
    raw = spec.get("minReplicas")
    if raw is None:
        minimum, shown = 1, "no minReplicas (it defaults to 1)"
    elif isinstance(raw, bool) or not isinstance(raw, int):
        return  # malformed: schema validation reports it
    else:
        minimum, shown = raw, f"minReplicas {raw}"
    if minimum < 1 or minimum >= wanted:
        return
    risk = (
        ": at its minimum a single pod failure is an outage"
        if minimum == 1
        else f", fewer than the {wanted} required: at its minimum one pod failure leaves"
        f" {minimum - 1} to carry the load"
    )
    yield ctx.violation(
        ("spec", "minReplicas"),
        f"HorizontalPodAutoscaler {obj.display_name or '?'!r} has {shown}{risk};"
        f" set minReplicas to at least {wanted}",
    )
