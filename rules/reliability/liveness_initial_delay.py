"""## What it does
Reports a container whose `livenessProbe` can kill it before it has had time to start:
the container has no `startupProbe` (which holds the liveness probe off until it
succeeds), and the time the kubelet gives it before the restart,

    initialDelaySeconds + failureThreshold x periodSeconds

with the defaults filled in (0, 3 and 10 seconds; a 0 period or threshold also means the
default), is shorter than the option `min-start-seconds` (10 by default). A probe with
the defaults has a budget of 30 seconds and is not reported; `periodSeconds: 2` with
no delay (6 seconds) is, and so is `initialDelaySeconds: 0` with `failureThreshold: 1`.
A large `failureThreshold` counts as much as a delay: `periodSeconds: 5` and
`failureThreshold: 12` give a minute.

## Why is this bad?
The kubelet starts probing as soon as the delay is over and restarts the container after
`failureThreshold` failures in a row. An application that needs longer than that to
listen is killed while it starts and restarted into the same race: a crash loop that only
shows under load, on slow nodes or with a cold cache. The source notes (001, "存活探针的属性
参数") say to always give a liveness probe an `initialDelaySeconds` for exactly this
reason; what matters is the whole budget, which a failure threshold extends as well as a
delay does. A `startupProbe` is the better fix for slow or variable start-up: the liveness
probe does not run until the startup probe succeeds.

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
            periodSeconds: 2
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
          startupProbe:
            httpGet: {path: /healthz, port: 8080}
            periodSeconds: 2
            failureThreshold: 30
          livenessProbe:
            httpGet: {path: /healthz, port: 8080}
            periodSeconds: 2
```

## Options
- `min-start-seconds` (integer, default `10`): the least time, in seconds, a container
  without a startup probe must get before a failing liveness probe restarts it.

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
- Source notes 001 (存活探针的属性参数): "定义存活探针时，一定要设置 initialDelaySeconds 属性"
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule

from ._probes import effective, integer

MIN_START_SECONDS = 10


@rule(
    id="liveness-initial-delay",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a liveness probe can restart a container before it has had time to start",
    options={
        "min-start-seconds": {
            "type": "integer",
            "minimum": 0,
            "default": MIN_START_SECONDS,
            "description": "the least time a container without a startupProbe must get"
            " before a failing liveness probe restarts it",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    minimum = integer(ctx.options.get("min-start-seconds"))
    if minimum is None:
        minimum = MIN_START_SECONDS
    for ref in obj.containers():
        probe = ref.container.get("livenessProbe")
        if not isinstance(probe, Mapping) or isinstance(ref.container.get("startupProbe"), Mapping):
            continue
        delay, period, threshold = (
            effective(probe, field)
            for field in ("initialDelaySeconds", "periodSeconds", "failureThreshold")
        )
        if delay is None or period is None or threshold is None:
            continue  # malformed or negative: schema validation and probe-timing report it
        budget = delay + threshold * period
        if budget >= minimum:
            continue
        where = ("initialDelaySeconds",) if "initialDelaySeconds" in probe else ()
        yield ctx.violation(
            (*ref.path, "livenessProbe", *where),
            f"{ref.label} livenessProbe restarts it if it does not answer"
            f" within about {budget}s of starting ({delay}s delay +"
            f" {threshold} failures x {period}s period) and it has no"
            f" startupProbe; give it at least {minimum}s or add a"
            " startupProbe",
        )
