"""## What it does
Reports a container whose `livenessProbe` has no `initialDelaySeconds` (or sets it to 0)
when the container has no `startupProbe` to hold the liveness probe back.

## Why is this bad?
Without an initial delay the kubelet starts probing as soon as the container starts. An
application that needs a few seconds to listen fails its first probes, is killed, and is
restarted into the same race: a crash loop that only shows under load or on slow nodes.
The source notes (001, "存活探针的属性参数") say to always set `initialDelaySeconds` on a
liveness probe for exactly this reason. A `startupProbe` is the better fix for slow or
variable start-up: the liveness probe does not run until the startup probe succeeds.

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
```

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
- Source notes 001 (存活探针的属性参数): "定义存活探针时，一定要设置 initialDelaySeconds 属性"
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule


@rule(id="liveness-initial-delay", severity="warning", kinds=POD_SPEC_KINDS,
      summary="a liveness probe starts before the application can answer")
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    for ref in obj.containers():
        probe = ref.container.get("livenessProbe")
        if not isinstance(probe, dict) or "startupProbe" in ref.container:
            continue
        delay = probe.get("initialDelaySeconds")
        if delay is None:
            yield ctx.violation((*ref.path, "livenessProbe"),
                                f"{ref.label} has a livenessProbe without"
                                " initialDelaySeconds and no startupProbe")
        elif delay == 0:
            yield ctx.violation((*ref.path, "livenessProbe", "initialDelaySeconds"),
                                f"{ref.label} has a livenessProbe with initialDelaySeconds"
                                " 0 and no startupProbe")
