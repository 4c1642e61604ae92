"""## What it does
Reports a container of a long-running workload (Deployment, StatefulSet, DaemonSet,
ReplicaSet, ReplicationController, or a bare Pod that restarts `Always`) that has no
`readinessProbe` although it serves traffic:

- the container declares `ports`: it listens, so it has something to be ready for;
- or a Service of the input, in the workload's namespace, selects the workload's pods. A
  container that declares no ports is then reported only when no container of the pod
  (sidecars included) has a readiness probe or declares ports: a pod is Ready only when
  all its containers are, so one probe on the serving container gates the whole pod, and
  a log shipper or a config reloader next to it need not repeat it; a container that
  declares ports is the one that serves, and it is reported for itself.

Only regular containers are checked; init containers and Jobs are not. When the Services
are not in the input (a single-file lint), only the `ports` part applies: the rule never
reports a Service it cannot see.

## Why is this bad?
A container without a readiness probe is Ready as soon as its process starts. The pod then
joins the endpoints of every Service that selects it and receives requests while the
application is still loading, warming caches or connecting to its database: clients see
connection errors or 5xx. During a rolling update it is worse: the Deployment counts the new
pod as available at once, so it deletes old pods that were serving fine while their
replacements cannot answer yet. The source notes (001, "pod 的就绪探针有哪几种?") describe
exactly this: a pod joins the Service's endpoint list as soon as it starts, and a failing
readiness probe removes it from the endpoints (without restarting it) until it is ready
again, so that only pods that can answer get traffic. The notes 000 ("pod健康检查") report
the symptom: 404s during rolling updates from pods that started but whose application had
not.

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
          ports:
            - containerPort: 8080
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
          ports:
            - containerPort: 8080
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
            periodSeconds: 5
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 8080
```

## Options
- `require-for-all` (boolean, default `false`): report every regular container of a
  long-running workload that has no readiness probe, whether or not it declares ports or
  a Service selects it (kube-linter's default).

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-readiness-probes
- https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-conditions
- https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-update-deployment
- Source notes 001 (pod 的就绪探针有哪几种?; 就绪探针与存活探针区别是什么?): a failing
  readiness probe removes the pod from the Service endpoints
- Source notes 000 (pod健康检查): 404s during rolling updates without readiness probes
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule


def _declared_ports(container: Mapping[str, Any]) -> list[str]:
    """How the container's ports read in a message (number, or name/number)."""
    ports = container.get("ports")
    if not isinstance(ports, list):
        return []
    shown = []
    for port in ports:
        if not isinstance(port, Mapping):
            continue
        number = port.get("containerPort")
        name = port.get("name")
        text = str(number) if number is not None else "?"
        if isinstance(name, str) and name:
            text = f"{name}/{text}"
        shown.append(text)
    return shown


def _has_readiness(container: Mapping[str, Any]) -> bool:
    return container.get("readinessProbe") is not None


def _pod_is_gated(obj: Manifest) -> bool:
    """Is the pod's readiness already someone else's business? True when a container
    that counts for pod readiness (regular containers and sidecar init containers,
    restartPolicy: Always) has a readiness probe, or declares ports (it is the one that
    serves, and it is reported for itself)."""
    for ref in obj.containers(include_init=True):
        if ref.init and ref.container.get("restartPolicy") != "Always":
            continue
        if _has_readiness(ref.container) or _declared_ports(ref.container):
            return True
    return False


@rule(
    id="readiness-probe-missing",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a container that serves traffic has no readiness probe",
    options={
        "require-for-all": {
            "type": "boolean",
            "default": False,
            "description": "report every regular container of a long-running workload"
            " without a readiness probe, whether or not it serves traffic",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if not obj.is_long_running():
        return
    subject = f"{obj.kind} {obj.display_name or '?'!r}"
    services: list[str] | None = None  # looked up once, when needed
    pod_ready_gated: bool | None = None
    for ref in obj.containers(include_init=False):
        if _has_readiness(ref.container):
            continue
        if services is None:
            services = sorted(
                {service.display_name or "?" for service in ctx.index.services_for(obj)}
            )
        selected = ""
        if services:
            plural = "s" if len(services) > 1 else ""
            shown = ", ".join(map(repr, services[:3]))
            if len(services) > 3:
                shown += f" and {len(services) - 3} more"
            selected = f"Service{plural} {shown}"
        ports = _declared_ports(ref.container)
        if ports:
            why = f" but declares port{'s' if len(ports) > 1 else ''} {', '.join(ports)}"
            if selected:
                why += f" and its pods are selected by {selected}"
        elif ctx.options.get("require-for-all"):
            why = ""
        elif selected:
            if pod_ready_gated is None:
                pod_ready_gated = _pod_is_gated(obj)
            if pod_ready_gated:
                continue  # another container's probe gates the pod, or it serves the ports
            alone = sum(1 for _ in obj.containers(include_init=False)) == 1
            others = "" if alone else " (and no other container of the pod has one)"
            why = f"{others}, but {selected} select{'' if len(services) > 1 else 's'} its pods"
        else:
            continue
        yield ctx.violation(
            ref.path,
            f"{ref.label} of {subject} has no readinessProbe{why}:"
            " the pod gets traffic (and a rolling update counts it"
            " available) before the application is ready",
        )
