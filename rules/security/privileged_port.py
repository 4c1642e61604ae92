"""## What it does
Reports a `containerPort` of a container or init container below 1024 (the option
`min-port`), unless the pod's `securityContext.sysctls` sets
`net.ipv4.ip_unprivileged_port_start` at or below that port, or the container adds the
`NET_BIND_SERVICE` capability (`securityContext.capabilities.add`: it has explicitly
taken the privilege the port needs, as ingress-nginx does). Informational.

A pod with `hostNetwork: true` binds in the node's network namespace, where the node's
own setting applies (1024 unless the node lowers it): neither the runtime's default nor a
pod sysctl reaches it (the kubelet refuses `net.*` sysctls for such pods), so only
`min-port` is compared there.

## Why is this bad?
On Linux, binding a port below `net.ipv4.ip_unprivileged_port_start` needs root or the
`NET_BIND_SERVICE` capability. The kernel's default is 1024, but the value inside a pod
depends on the container runtime: containerd 2.0 and later (its CRI plugin's
`enable_unprivileged_ports`, on by default) and Docker set it to 0 for pods with their own
network, while CRI-O leaves the kernel's 1024 unless configured (`default_sysctls`) and
containerd 1.x only when `enable_unprivileged_ports` is set. A container that listens on
port 80 as a non-root user therefore works on some nodes and crash-loops with
`bind: permission denied` on others; for a non-root process an added `NET_BIND_SERVICE`
is not even effective without file capabilities on the binary. Setting the sysctl in the
pod (a safe sysctl since Kubernetes 1.22) makes the pod independent of the runtime, and
listening on an unprivileged port (8080, 8443) while mapping the well-known port in the
Service (`port: 80`, `targetPort: 8080`) needs neither. Since it depends on the nodes,
only `info`.

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
  ports below it are reported. Set it to the value your nodes' runtime gives pods (0
  turns the rule off for pods with their own network; `hostNetwork` pods get the node's
  value, which this option stands for as well).

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
        for cap in added
    )


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


@rule(
    id="privileged-port",
    severity="info",
    kinds=POD_SPEC_KINDS,
    summary="a container listens on a privileged port below 1024",
    options={
        "min-port": {
            "type": "integer",
            "minimum": 0,
            "default": 1024,
            "description": "the first unprivileged port (ports below it are reported)",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.pod_spec()
    if spec is None:
        return
    min_port = _int(ctx.options.get("min-port"))
    if min_port is None:
        min_port = 1024
    host_network = spec.get("hostNetwork") is True
    start = None if host_network else _sysctl_start(spec)  # the kubelet refuses net.* there
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
            if not 0 < number < min_port:
                continue
            if host_network:
                why = (
                    f"{ref.label} listens on port {number} in the node's network"
                    f" (hostNetwork), below {min_port}: unless the node lowers"
                    f" {SYSCTL}, only root or NET_BIND_SERVICE may bind it"
                )
            else:
                why = (
                    f"{ref.label} listens on port {number}, below {min_port}: unless the"
                    f" container runtime lowers {SYSCTL} for pods (containerd 2.0 and"
                    " Docker do, CRI-O does not by default), only root or"
                    " NET_BIND_SERVICE may bind it; set the sysctl in the pod's"
                    " securityContext, or listen on an unprivileged port and map it in"
                    " the Service"
                )
            yield ctx.violation((*ref.path, "ports", index, "containerPort"), why)
