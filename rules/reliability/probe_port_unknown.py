"""## What it does
Checks the port of every `livenessProbe`, `readinessProbe` and `startupProbe` (containers
and init containers) against the ports the same container declares:

- `httpGet.port` or `tcpSocket.port` is a string, i.e. a port name, that none of the
  container's `ports[].name` is (error). Beware of quotes: `port: "8080"` is a string in
  YAML, so Kubernetes reads it as the name of a port, not as the number 8080;
- `httpGet.port`, `tcpSocket.port` or `grpc.port` is a number that is none of the
  container's `ports[].containerPort` (warning), but only when the container declares at
  least one port: declaring ports is optional in Kubernetes (it is informational, a
  process listens whether or not its port is listed), so a container without a `ports`
  list says nothing about where it listens.

## Why is this bad?
The kubelet resolves a named probe port against the ports of the container that owns the
probe, and only those. A name it cannot find (a typo, a port renamed in one place, a name
that belongs to a sidecar's port) makes every probe fail: a liveness or startup probe then
restarts the container over and over, a readiness probe keeps the pod out of its Services
forever. A quoted number is even rejected by the API server, because a port name must
contain a letter.

A numeric port that the container does not declare usually means the probe and the
application disagree: the port was changed in `ports` (or in the application's
configuration) but not in the probe, or the probe checks a port of another container of
the pod. The probe then fails, or checks the wrong process. When the port really is an
undeclared management port, declare it (with a name) so that the probe can refer to it.

`httpGet`, `tcpSocket` and `grpc` probes all open a TCP connection. A port the container
declares for UDP only (a DNS, syslog or QUIC listener) usually has no TCP listener, so the
probe is refused and fails every time. When the process listens on the same number over
TCP too (DNS servers do), declare that port as well, and the probe is not reported.

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
            - {name: http, containerPort: 8080}
          readinessProbe:
            httpGet: {path: /ready, port: htpp}
          livenessProbe:
            tcpSocket: {port: 8081}
            initialDelaySeconds: 15
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
            - {name: http, containerPort: 8080}
            - {name: admin, containerPort: 8081}
          readinessProbe:
            httpGet: {path: /ready, port: http}
          livenessProbe:
            tcpSocket: {port: admin}
            initialDelaySeconds: 15
```

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#use-a-named-port
- https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports
- https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe
- Source notes 001 (pod 的就绪探针有哪几种?): httpGet and TCPSocket probes connect to the
  container's IP and port
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import POD_SPEC_KINDS, ContainerRef, Manifest, RuleContext, Violation, rule

from ._probes import probes

#: Handlers with a port; only httpGet and tcpSocket accept a name (grpc.port is an int32).
PORT_HANDLERS = ("httpGet", "tcpSocket", "grpc")
NAMED_PORT_HANDLERS = ("httpGet", "tcpSocket")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _protocol(port: Mapping[str, Any]) -> str:
    protocol = port.get("protocol")
    return protocol if isinstance(protocol, str) and protocol else "TCP"


def _ports(container: Mapping[str, Any]) -> tuple[dict[str, Any], set[int]] | None:
    """The container's port names (-> number) and numbers; None when ``ports`` is malformed."""
    ports = container.get("ports")
    if ports is None:
        return {}, set()
    if not isinstance(ports, list):
        return None
    names: dict[str, Any] = {}
    numbers: set[int] = set()
    for port in ports:
        if not isinstance(port, Mapping):
            continue
        name = port.get("name")
        number = port.get("containerPort")
        if isinstance(name, str) and name:
            names[name] = number
        if isinstance(number, int) and _is_int(number):
            numbers.add(number)
    return names, numbers


def _not_tcp(container: Mapping[str, Any], port: Any) -> str | None:
    """The protocol(s) of ``port`` (a name or a number) when the container declares it,
    and its number, only for protocols other than TCP; None otherwise."""
    ports = container.get("ports")
    if not isinstance(ports, list):
        return None
    entries = [p for p in ports if isinstance(p, Mapping)]
    if isinstance(port, str):
        number = next((p.get("containerPort") for p in entries if p.get("name") == port), None)
    else:
        number = port
    if not _is_int(number):
        return None
    protocols = {_protocol(p) for p in entries if p.get("containerPort") == number}
    if not protocols or "TCP" in protocols:
        return None
    return "/".join(sorted(protocols))


def _elsewhere(others: list[tuple[ContainerRef, dict[str, Any], set[int]]], port: Any) -> str:
    """A hint when another container of the pod declares the port."""
    owners = [
        ref.label
        for ref, names, numbers in others
        if (port in names if isinstance(port, str) else port in numbers)
    ]
    if not owners:
        return ""
    who = " and ".join(owners)
    if isinstance(port, str):
        return (
            f"; {who} of the pod declare{'s' if len(owners) == 1 else ''} it, but a"
            " probe resolves names against its own container's ports only"
        )
    # Containers share the pod's network: the probe reaches the other container.
    return f"; it is a port of {who}, so the probe checks that container, not this one"


@rule(
    id="probe-port-unknown",
    severity="error",
    kinds=POD_SPEC_KINDS,
    summary="a probe's port is not one its container declares",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    containers = []
    for ref in obj.containers(include_init=True):
        declared = _ports(ref.container)
        if declared is not None:
            containers.append((ref, *declared))
    for ref, names, numbers in containers:
        others = [entry for entry in containers if entry[0] is not ref]
        for probe_name, probe in probes(ref.container):
            for handler in PORT_HANDLERS:
                action = probe.get(handler)
                if not isinstance(action, Mapping) or "port" not in action:
                    continue
                port = action["port"]
                path = (*ref.path, probe_name, handler, "port")
                where = f"{ref.label} {probe_name} {handler}.port"
                if (isinstance(port, str) and port in names) or (_is_int(port) and port in numbers):
                    protocol = _not_tcp(ref.container, port)
                    if protocol is not None:
                        number = port if _is_int(port) else names[port]
                        yield ctx.violation(
                            path,
                            f"{where} {port!r} is port {number}, which the"
                            f" container declares only over {protocol}:"
                            f" the {handler} probe connects over TCP, so"
                            " it fails unless the process also listens"
                            " on TCP there",
                            severity="warning",
                        )
                    continue
                if isinstance(port, str) and handler in NAMED_PORT_HANDLERS:
                    yield ctx.violation(
                        path,
                        f"{where} {port!r}"
                        f"{_name_problem(port, names, numbers)}"
                        f"{_elsewhere(others, port)}",
                    )
                elif _is_int(port) and numbers and port not in numbers:
                    listed = ", ".join(str(number) for number in sorted(numbers))
                    advice = (
                        _elsewhere(others, port)
                        or "; declare it if the application listens there, or fix the probe"
                    )
                    yield ctx.violation(
                        path,
                        f"{where} {port} is not a port the container declares ({listed}){advice}",
                        severity="warning",
                    )


def _name_problem(port: str, names: Mapping[str, Any], numbers: set[int]) -> str:
    """Why a port name does not resolve, with the likely fix."""
    stripped = port.strip()
    if stripped.isdigit():
        number = int(stripped)
        known = " (which the container declares)" if number in numbers else ""
        return (
            f" is a string, so Kubernetes reads it as a port name, and a port name"
            f" needs a letter (the API server rejects it); write {number}{known}"
            " without quotes"
        )
    if not names:
        return " names a port, but the container declares no named ports"
    folded = next((name for name in names if name.lower() == stripped.lower()), None)
    hint = f"; port names are case-sensitive: {folded!r}" if folded is not None else ""
    declared = ", ".join(repr(name) for name in sorted(names))
    return f" names no port of the container (it declares {declared}){hint}"
