"""## What it does
Reports, within one pod spec, a port entry that repeats another one:

- the same `containerPort` and `protocol` (which defaults to `TCP`) twice, in two
  containers or in the same container;
- the same `hostPort` and `protocol` twice (and the same `hostIP`, when one is set).

The containers compared are the regular containers and the sidecar init containers (init
containers with `restartPolicy: Always`), which run alongside them. Ordinary init
containers run one at a time before the application starts, so their ports never
conflict with anything. The same port number with `TCP` and `UDP` is two ports, and is
fine. The finding is at the later entry and names the earlier one, in the order the API
server's own warnings use (sidecar init containers first, then containers); an entry that
repeats both the `containerPort` and the `hostPort` of another is reported once, at its
`containerPort`.

## Why is this bad?
The containers of a pod share one network namespace: one IP address and one port space.
The source notes say so directly (001, "pod 特点": "一个pod 里的多个容器共享 pod IP，
意味着1个 pod 里面的多个容器的进程所占用的端口不能相同，否则在这个pod 里面就会产生
端口冲突"). The second process that binds the port fails with "address already in use"
and its container crash-loops.
Two entries for one port in the same container (a copy-paste slip, or a second name for
the same port) are trouble too: the API server warns about them ("duplicate port
definition"), server-side apply rejects them (the list is keyed by `containerPort` and
`protocol`), and patches that merge the list by `containerPort` can drop one of them;
this case is a warning (ingress-nginx's NLB manifest names port 80 twice and works). A
repeated `hostPort` is rejected by the API server outright, and a port two containers
both use makes one of them crash-loop: errors.

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
          image: registry.example.com/web:2.1
          ports:
            - containerPort: 8080
        - name: metrics
          image: registry.example.com/exporter:1.4
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
          image: registry.example.com/web:2.1
          ports:
            - containerPort: 8080
        - name: metrics
          image: registry.example.com/exporter:1.4
          ports:
            - containerPort: 9100
```

## References
- https://kubernetes.io/docs/concepts/workloads/pods/#how-pods-manage-multiple-containers
- https://kubernetes.io/docs/concepts/services-networking/#the-kubernetes-network-model
- https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/
- Source notes 001 (pod 特点: the containers of a pod share its IP, so their ports must
  differ; pod 的共享资源: the network namespace is shared)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from kubelint.api import POD_SPEC_KINDS, Manifest, Path, RuleContext, Violation, format_path, rule

DEFAULT_PROTOCOL = "TCP"


class _Port(NamedTuple):
    """Where a port entry is, and who declares it."""

    path: Path  # of the entry, from the object root
    label: str  # "container 'web'"
    owner: int  # index of the container among the compared ones


def _label(group: str, index: int, container: Mapping[str, Any]) -> str:
    kind = "sidecar init container" if group == "initContainers" else "container"
    name = container.get("name")
    return f"{kind} {name!r}" if isinstance(name, str) and name else f"{kind} #{index}"


def _running_containers(obj: Manifest) -> Iterator[tuple[Path, str]]:
    """Sidecar init containers, then regular containers (what runs at the same time), in
    the order of the API server's own duplicate-port warnings."""
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if spec_path is None or spec is None:
        return
    for group in ("initContainers", "containers"):
        items = spec.get(group)
        if not isinstance(items, list):
            continue
        for index, container in enumerate(items):
            if not isinstance(container, Mapping):
                continue
            if group == "initContainers" and container.get("restartPolicy") != "Always":
                continue
            yield (*spec_path, group, index), _label(group, index, container)


def _number(value: Any) -> int | None:
    """A port number, or None when unset, zero or malformed (schema validation's job)."""
    return value if type(value) is int and value > 0 else None


def _conflict(here: _Port, first: _Port, what: str) -> str:
    if first.owner == here.owner:
        return f"{here.label} declares {what} twice (first at {format_path(first.path)})"
    return f"{here.label} uses {what}, which {first.label} uses too (at {format_path(first.path)})"


@rule(
    id="container-port-conflict",
    severity="error",
    kinds=POD_SPEC_KINDS,
    summary="two containers of a pod use the same port",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    container_ports: dict[tuple[int, Any], _Port] = {}
    host_ports: dict[tuple[int, Any, Any], _Port] = {}
    for owner, (path, label) in enumerate(_running_containers(obj)):
        ports = obj.get((*path, "ports"))
        if not isinstance(ports, list):
            continue
        for index, entry in enumerate(ports):
            if not isinstance(entry, Mapping):
                continue
            protocol = entry.get("protocol")
            if protocol is None:
                protocol = DEFAULT_PROTOCOL
            elif not isinstance(protocol, str):
                continue
            here = _Port((*path, "ports", index), label, owner)
            host_first = None
            host_port = _number(entry.get("hostPort"))
            host_ip = entry.get("hostIP") or None
            if host_port is not None and (host_ip is None or isinstance(host_ip, str)):
                host_first = host_ports.setdefault((host_port, protocol, host_ip), here)
                host_first = None if host_first is here else host_first
            container_port = _number(entry.get("containerPort"))
            if container_port is not None:
                first = container_ports.setdefault((container_port, protocol), here)
                if first is not here:
                    what = f"containerPort {container_port}/{protocol}"
                    # Rejected (a repeated hostPort), or two processes binding one port:
                    # errors. One container naming its port twice is accepted with a
                    # warning (only server-side apply refuses it): a warning.
                    severity = (
                        None if host_first is not None or first.owner != here.owner else "warning"
                    )
                    yield ctx.violation(
                        (*here.path, "containerPort"),
                        _conflict(here, first, what),
                        severity=severity,
                    )
                    continue
            if host_first is not None:
                on_ip = f" on hostIP {host_ip}" if host_ip else ""
                what = f"hostPort {host_port}/{protocol}{on_ip}"
                yield ctx.violation((*here.path, "hostPort"), _conflict(here, host_first, what))
