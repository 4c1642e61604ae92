"""## What it does
Reports a `livenessProbe` or `startupProbe` whose `successThreshold` is an integer other
than 1, and any probe (readiness included) whose `successThreshold` is negative. Containers
and init containers (sidecars) are checked.

## Why is this bad?
The API server rejects the whole object: a liveness or startup probe answers "is the
container alive / has it started", so one success is all it can mean, and validation says
`livenessProbe.successThreshold: Invalid value: 3: must be 1`. A negative threshold is
rejected for every probe (`must be greater than or equal to 0`). The apply fails (or, for a
Deployment rolled out by a pipeline, the rollout never starts) although the manifest looks
plausible, because a readiness probe does accept thresholds above 1.

The source notes (001, "存活探针的属性参数") record the same constraint: successThreshold
"对于liveness必须是1，最小值是1".

`successThreshold: 0` is not reported: Kubernetes defaults 0 to 1 before validating it.
Values that are not integers (strings, floats, booleans) are left to schema validation.

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
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
            initialDelaySeconds: 15
            successThreshold: 3
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
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
            initialDelaySeconds: 15
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
            successThreshold: 3
```

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes
- https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe
- Source notes 001 (存活探针的属性参数): "successThreshold ... 对于liveness必须是1"
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Fix, Manifest, RuleContext, Violation, rule

from ._probes import integer, probes

#: Probes whose successThreshold the API server requires to be 1.
MUST_BE_ONE = ("livenessProbe", "startupProbe")


@rule(
    id="probe-success-threshold",
    severity="error",
    kinds=POD_SPEC_KINDS,
    fixable=True,
    summary="a probe's successThreshold is one the API server rejects",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    for ref in obj.containers(include_init=True):
        for probe_name, probe in probes(ref.container):
            threshold = integer(probe.get("successThreshold"))
            if threshold is None:
                continue  # unset, or not an integer: a schema error
            path = (*ref.path, probe_name, "successThreshold")
            if probe_name in MUST_BE_ONE and threshold not in (0, 1):
                # 0 is defaulted to 1 before validation, so only other values fail.
                yield ctx.violation(
                    path,
                    f"{ref.label} {probe_name} has successThreshold {threshold}; it must be 1",
                    fix=Fix(path, 1),
                )
            elif threshold < 0:
                yield ctx.violation(
                    path,
                    f"{ref.label} {probe_name} has successThreshold"
                    f" {threshold}; it must not be negative",
                    fix=Fix(path, 1),
                )
