"""## What it does
Reports a `livenessProbe`, `readinessProbe` or `startupProbe` on an init container, unless
the init container is a sidecar: one with `restartPolicy: Always` (native sidecars,
Kubernetes 1.29 and later), which keeps running next to the app containers and may have all
three probes.

## Why is this bad?
An init container runs to completion before the app containers start; the source notes
(001, "pod 的初始化容器是干什么的?"; 004, "init container") describe it as a task that must
run once and finish, one init container after the other. There is nothing to keep alive or
to route traffic to, so probes have no meaning there, and the API server rejects the whole
object: `spec.initContainers[0].livenessProbe: Forbidden: may not be set for init
containers without restartPolicy=Always`. The apply fails (for a Deployment, the rollout
never starts).

Usually the probe was copied from the app container, or the container was meant to be a
sidecar: then set `restartPolicy: Always` on it (the cluster must run Kubernetes 1.29 or
later; earlier versions reject that field) or move it to `containers`.

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
      initContainers:
        - name: migrate
          image: registry.example.com/migrate:2.1
          livenessProbe:
            exec: {command: [cat, /tmp/alive]}
      containers:
        - name: web
          image: nginx:1.27
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
      initContainers:
        - name: migrate
          image: registry.example.com/migrate:2.1
        - name: proxy
          image: registry.example.com/proxy:1.4
          restartPolicy: Always
          readinessProbe:
            tcpSocket: {port: 15001}
      containers:
        - name: web
          image: nginx:1.27
```

## References
- https://kubernetes.io/docs/concepts/workloads/pods/init-containers/#differences-from-regular-containers
- https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/
- Source notes 001 (pod 的初始化容器是干什么的?): init containers run once, to completion
- Source notes 004 (init container): init containers run in order, each to completion
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule

from ._probes import PROBES

SIDECAR_POLICY = "Always"


@rule(
    id="init-container-probe",
    severity="error",
    kinds=POD_SPEC_KINDS,
    summary="an init container that is not a sidecar has a probe",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    for ref in obj.containers(include_init=True):
        if not ref.init:
            continue
        policy = ref.container.get("restartPolicy")
        if policy == SIDECAR_POLICY:
            continue
        if isinstance(policy, str) and policy.strip().lower() == SIDECAR_POLICY.lower():
            hint = f" (restartPolicy {policy!r} is not {SIDECAR_POLICY!r}: it is case-sensitive)"
        else:
            hint = (
                " (it runs to completion; to keep it running as a sidecar, set"
                " restartPolicy: Always, Kubernetes 1.29+)"
            )
        for probe_name in PROBES:
            if ref.container.get(probe_name) is None:
                continue  # null is "not set"
            yield ctx.violation(
                (*ref.path, probe_name),
                f"{ref.label} has a {probe_name}; the API server rejects"
                f" probes on init containers{hint}",
            )
