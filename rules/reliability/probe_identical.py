"""## What it does
Reports a container whose `livenessProbe` and `readinessProbe` are identical: the same
handler (`httpGet`, `tcpSocket`, `exec` or `grpc`, with the same settings) and the same
timings. Probes are compared after filling in the Kubernetes defaults, so an unset field
equals its default written out: `initialDelaySeconds` 0, `periodSeconds` 10,
`timeoutSeconds` 1, `successThreshold` 1, `failureThreshold` 3 (a 0 is defaulted the same
way), and for `httpGet`, `path: /` and `scheme: HTTP`.

Probing the same endpoint is fine when the timings differ: a liveness probe with a higher
`failureThreshold` (or a longer period) than the readiness probe on the same endpoint is the
recommended pattern and is not reported. Regular containers and sidecar init containers
(`restartPolicy: Always`) are checked.

## Why is this bad?
The two probes exist to react differently. A failing readiness probe takes the pod out of
the Service endpoints and waits for it to recover; a failing liveness probe kills the
container. The source notes (001, "就绪探针与存活探针区别是什么?") put it this way: the
liveness probe restarts the failed container, the readiness probe does not restart it but
removes the pod from the endpoints. With identical probes both fail at the same moment, so
the container is restarted exactly when it stops receiving traffic and never gets the chance
to recover. A short overload, a slow garbage collection or a dependency outage then turns
into restarts of every replica at once (and a readiness check that calls a database restarts
the whole fleet when the database blips). Give the liveness probe more patience (a higher
`failureThreshold`) or a lighter endpoint that only checks that the process is alive.

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
            periodSeconds: 10
          readinessProbe:
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
            failureThreshold: 6
          readinessProbe:
            httpGet: {path: /healthz, port: 8080}
```

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
- https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
- https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe
- Source notes 001 (就绪探针（ReadinessProbe 探针）与存活探针（livenessProbe探针）区别是什么?)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule

from ._probes import TIMING_DEFAULTS

HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
#: Defaults the API server fills into a handler.
HANDLER_DEFAULTS: dict[str, dict[str, Any]] = {"httpGet": {"path": "/", "scheme": "HTTP"}}


def _canonical(value: Any) -> Any:
    """A hashable form that keeps types apart (8080 is not "8080", 1 is not true) and
    drops unset values (null, "", [] and {} are what an omitted field reads as)."""
    if isinstance(value, Mapping):
        return (
            "map",
            tuple(
                sorted(
                    (str(key), _canonical(item))
                    for key, item in value.items()
                    if item not in (None, "", [], {})
                )
            ),
        )
    if isinstance(value, list):
        return ("list", tuple(_canonical(item) for item in value))
    return (type(value).__name__, value)


def _effective(probe: Mapping[str, Any]) -> Any:
    """The probe as the API server stores it, defaults filled in."""
    filled: dict[str, Any] = dict(probe)
    for field, default in TIMING_DEFAULTS.items():
        value = filled.get(field)
        if value is None or (value == 0 and isinstance(value, int) and not isinstance(value, bool)):
            filled[field] = default
    for handler, defaults in HANDLER_DEFAULTS.items():
        action = filled.get(handler)
        if isinstance(action, Mapping):
            action = dict(action)
            for key, default in defaults.items():
                if action.get(key) in (None, ""):
                    action[key] = default
            filled[handler] = action
    return _canonical(filled)


def _describe(probe: Mapping[str, Any]) -> str:
    """The handler in a few words: ``httpGet /healthz on port 8080``."""
    for handler in HANDLERS:
        action = probe.get(handler)
        if not isinstance(action, Mapping):
            continue
        if handler == "httpGet":
            return f"httpGet {action.get('path') or '/'} on port {action.get('port')}"
        if handler == "exec":
            command = action.get("command")
            if isinstance(command, list):
                text = " ".join(str(part) for part in command)
                return f"exec {text[:40] + '...' if len(text) > 40 else text!r}"
            return "exec"
        return f"{handler} on port {action.get('port')}"
    return "no handler"


@rule(
    id="probe-identical",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a container's liveness and readiness probes are identical",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    for ref in obj.containers(include_init=True):
        if ref.init and ref.container.get("restartPolicy") != "Always":
            continue  # probes are forbidden there: init-container-probe reports them
        liveness = ref.container.get("livenessProbe")
        readiness = ref.container.get("readinessProbe")
        if not isinstance(liveness, Mapping) or not isinstance(readiness, Mapping):
            continue
        if not any(liveness.get(handler) is not None for handler in HANDLERS):
            continue  # no handler at all: the API server rejects it anyway
        if _effective(liveness) != _effective(readiness):
            continue
        period = liveness.get("periodSeconds") or TIMING_DEFAULTS["periodSeconds"]
        failures = liveness.get("failureThreshold") or TIMING_DEFAULTS["failureThreshold"]
        yield ctx.violation(
            (*ref.path, "livenessProbe"),
            f"{ref.label} has identical livenessProbe and readinessProbe"
            f" ({_describe(liveness)}, every {period}s, {failures} failures):"
            " the container is restarted the moment it is taken out of the"
            " Service endpoints; give the liveness probe a higher"
            " failureThreshold or a lighter endpoint",
        )
