"""## What it does
Reports a `containerPort` of a container or init container below 1024 (the option
`min-port`), unless the pod's `securityContext.sysctls` sets
`net.ipv4.ip_unprivileged_port_start` at or below that port, or the container adds the
`NET_BIND_SERVICE` capability (`securityContext.capabilities.add`: it has explicitly
taken the privilege the port needs, as ingress-nginx does). Informational.

## Why is this bad?
On Linux, binding a port below `net.ipv4.ip_unprivileged_port_start` (1024 by default)
needs root or the `NET_BIND_SERVICE` capability. A container that listens on port 80 or
443 therefore either runs as root, which the hardening rules (`run-as-root`) ask you to
avoid, or needs `NET_BIND_SERVICE`; for a non-root process an added capability is not
even effective without file capabilities on the binary, so an image that relied on root
crash-loops with `bind: permission denied` once the pod is hardened.
Listening on an unprivileged port (8080, 8443) and mapping the well-known port in the
Service (`port: 80`, `targetPort: 8080`) needs neither. Some runtimes (Docker 20.10+,
containerd 2.0 by default) already set the sysctl to 0 inside containers, and the pod can
set the (safe, since 1.22) sysctl itself, hence only `info`.

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
          image: registry.example.com/web:2.0
          ports:
            - {name: http, containerPort: 80}
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
          image: registry.example.com/web:2.0
          ports:
            - {name: http, containerPort: 8080}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
```

## Options
- `min-port` (integer, default `1024`): the first port that does not need privileges;
  ports below it are reported. Set it to your nodes' `ip_unprivileged_port_start` (0
  turns the rule off).

## References
- https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/#safe-and-unsafe-sysctls
- https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule

SYSCTL = "net.ipv4.ip_unprivileged_port_start"


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _adds_net_bind(container: Mapping[str, Any]) -> bool:
    sc = container.get("securityContext")
    caps = sc.get("capabilities") if isinstance(sc, Mapping) else None
    added = caps.get("add") if isinstance(caps, Mapping) else None
    return isinstance(added, list) and any(
        isinstance(cap, str) and cap.upper().removeprefix("CAP_") == "NET_BIND_SERVICE"
        for cap in added)


def _sysctl_start(spec: Mapping[str, Any]) -> int | None:
    """The pod's ``net.ipv4.ip_unprivileged_port_start`` (either separator form)."""
    sc = spec.get("securityContext")
    sysctls = sc.get("sysctls") if isinstance(sc, Mapping) else None
    if not isinstance(sysctls, list):
        return None
    for entry in sysctls:
        if isinstance(entry, Mapping) and entry.get("name") in (SYSCTL, SYSCTL.replace(".", "/")):
            return _int(entry.get("value"))
    return None


@rule(id="privileged-port", severity="info", kinds=POD_SPEC_KINDS,
      summary="a container listens on a privileged port below 1024",
      options={"min-port": {
          "type": "integer", "minimum": 0, "default": 1024,
          "description": "the first unprivileged port (ports below it are reported)"}})
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.pod_spec()
    if spec is None:
        return
    min_port = _int(ctx.options.get("min-port"))
    if min_port is None:
        min_port = 1024
    start = _sysctl_start(spec)
    if start is not None:
        min_port = min(min_port, start)
    for ref in obj.containers(include_init=True):
        ports = ref.container.get("ports")
        if not isinstance(ports, list) or _adds_net_bind(ref.container):
            continue
        for index, port in enumerate(ports):
            if not isinstance(port, Mapping):
                continue
            number = port.get("containerPort")
            if isinstance(number, bool) or not isinstance(number, int):
                continue
            if 0 < number < min_port:
                yield ctx.violation((*ref.path, "ports", index, "containerPort"),
                                    f"{ref.label} listens on port {number}, below {min_port}:"
                                    " it needs root or NET_BIND_SERVICE; listen on an"
                                    " unprivileged port and map it in the Service")
