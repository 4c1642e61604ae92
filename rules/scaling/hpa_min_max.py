"""## What it does
Reports a `HorizontalPodAutoscaler` whose replica bounds the API server rejects:

- `minReplicas` below 1. `0` is only accepted on clusters that enable the alpha
  `HPAScaleToZero` feature gate (off by default, and then only with an `Object` or
  `External` metric), so it is reported too; a negative value never is valid;
- `maxReplicas` below 1;
- `minReplicas` greater than `maxReplicas`. `minReplicas` defaults to 1 when unset, so an
  unset `minReplicas` only conflicts with a `maxReplicas` below 1, which is reported as
  such.

Each finding points at the offending field; a `minReplicas` above `maxReplicas` is
reported at `maxReplicas`, where the API server reports it.

## Why is this bad?
The API server validates these bounds and refuses the HPA ("spec.maxReplicas: Invalid
value: 2: must be greater than or equal to `minReplicas`"). `kubectl apply` fails, a
pipeline that applies a bundle stops half way, and the workload runs without autoscaling
until the manifest is fixed. Swapped bounds are a common slip when values come from
separate variables of a template.

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
  minReplicas: 10
  maxReplicas: 3
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
  minReplicas: 3
  maxReplicas: 10
```

## References
- https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/#HorizontalPodAutoscalerSpec
- https://kubernetes.io/docs/reference/command-line-tools-reference/feature-gates/
- Source notes 004 (Horizontal Pod Autoscaler（HPA）): the HPA adjusts the number of Pod
  replicas within its bounds
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import Manifest, RuleContext, Violation, rule

MIN = ("spec", "minReplicas")
MAX = ("spec", "maxReplicas")


def _count(value: Any) -> int | None:
    """An integer field, or None when unset or malformed (schema validation reports it)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


@rule(
    id="hpa-min-max",
    severity="error",
    kinds=("HorizontalPodAutoscaler",),
    summary="a HorizontalPodAutoscaler's replica bounds are invalid",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.get(("spec",))
    if not isinstance(spec, Mapping):
        return
    minimum, maximum = _count(spec.get("minReplicas")), _count(spec.get("maxReplicas"))
    hpa = f"HorizontalPodAutoscaler {obj.display_name or '?'!r}"
    if minimum is not None and minimum < 1:
        gate = (
            " (0 is only allowed on clusters with the alpha HPAScaleToZero feature gate)"
            if minimum == 0
            else ""
        )
        yield ctx.violation(MIN, f"{hpa} has minReplicas {minimum}: it must be at least 1{gate}")
    if maximum is not None and maximum < 1:
        yield ctx.violation(MAX, f"{hpa} has maxReplicas {maximum}: it must be at least 1")
    elif maximum is not None and minimum is not None and minimum > maximum:
        yield ctx.violation(
            MAX,
            f"{hpa} has maxReplicas {maximum}, below its minReplicas"
            f" {minimum}: maxReplicas must be at least minReplicas",
        )
