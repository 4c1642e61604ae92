"""## What it does
Reports a Service port whose `targetPort` is a name (a string) that no container of the
pods the Service selects declares in its `ports[].name`, with the Service port's protocol
(`TCP` unless set, on both sides).

Only the pods of the input are looked at: the workloads (objects with a pod template, and
Pods) in the Service's namespace that the Service's selector selects. The port counts when
any of them declares it, in a container or in a sidecar (an init container with
`restartPolicy: Always`); a plain init container's ports are not used for Services. When
the Service selects no workload of the input (its pods are deployed from elsewhere, or it
has no selector) nothing is reported. A numeric `targetPort`, or none (it defaults to the
`port`), is not checked: a number needs no declaration. Neither is a name the API server
rejects (a quoted number, an upper-case letter...): `service-target-port-invalid` reports
those.

## Why is this bad?
A named `targetPort` is resolved separately for each pod: the endpoints controller looks
up the container port with that name and protocol, and a pod that declares none is left
out of the Service's endpoints for that port. When no selected pod declares it, the
Service has no endpoints for the port even though the pods are running and ready:
connections are refused or time out, and an Ingress answers 503. The API server accepts
the Service, so the typo (`http` against `web`, a port renamed in the Deployment only, or
a port the container serves but never declared) only shows at run time.

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
            - {name: web, containerPort: 8080}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: http
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
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: http
```

## References
- https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports
- https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec
- https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import (
    AFTER_SEMICOLON,
    Manifest,
    RuleContext,
    Violation,
    did_you_mean,
    port_name_problems,
    rule,
)


def _protocol(port: Mapping[str, Any]) -> str:
    protocol = port.get("protocol")
    return protocol if isinstance(protocol, str) and protocol else "TCP"


def _serving_containers(workload: Manifest) -> Iterator[Mapping[str, Any]]:
    """Containers whose ports a Service can use: the regular ones and sidecars."""
    for ref in workload.containers():
        if not ref.init or ref.container.get("restartPolicy") == "Always":
            yield ref.container


def _declared(workload: Manifest) -> dict[str, set[str]]:
    """Port name -> the protocols it is declared with, in the workload's pods."""
    found: dict[str, set[str]] = {}
    for container in _serving_containers(workload):
        ports = container.get("ports")
        if not isinstance(ports, list):
            continue
        for port in ports:
            if isinstance(port, Mapping) and isinstance(port.get("name"), str):
                found.setdefault(port["name"], set()).add(_protocol(port))
    return found


def _init_declaring(workloads: list[Manifest], name: str) -> str:
    """The plain init container that declares the port ``name``, if one does."""
    for workload in workloads:
        for ref in workload.containers():
            ports = ref.container.get("ports")
            if (
                ref.init
                and ref.container.get("restartPolicy") != "Always"
                and isinstance(ports, list)
                and any(isinstance(p, Mapping) and p.get("name") == name for p in ports)
            ):
                return f"{ref.label} of {workload.kind} {workload.display_name or '?'!r}"
    return ""


def _port_label(index: int, port: Mapping[str, Any]) -> str:
    name = port.get("name")
    if isinstance(name, str) and name:
        return f"port {name!r}"
    number = port.get("port")
    return f"port {number}" if isinstance(number, int) else f"port #{index}"


def _names(workloads: list[Manifest]) -> str:
    shown = [f"{w.kind} {w.display_name or '?'!r}" for w in workloads[:3]]
    if len(workloads) > 3:
        shown.append(f"{len(workloads) - 3} more")
    return ", ".join(shown)


@rule(
    id="service-target-port-unknown",
    severity="error",
    kinds=("Service",),
    summary="a Service targetPort names a port its pods do not declare",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.get(("spec",))
    if not isinstance(spec, Mapping) or spec.get("type") == "ExternalName":
        return
    ports = spec.get("ports")
    if not isinstance(ports, list):
        return
    named = [
        (index, port)
        for index, port in enumerate(ports)
        if isinstance(port, Mapping)
        and isinstance(port.get("targetPort"), str)
        and port["targetPort"]  # "" defaults to the port number
        and not port_name_problems(port["targetPort"])
    ]  # service-target-port-invalid
    if not named:
        return
    # workloads_for walks a frozenset of kinds: sort for messages stable across runs.
    workloads = sorted(
        ctx.index.workloads_for(obj), key=lambda w: (w.kind or "", w.display_name or "")
    )
    if not workloads:
        return
    declared = [_declared(workload) for workload in workloads]
    every = sorted({name for ports_of in declared for name in ports_of})
    service = f"Service {obj.display_name or '?'!r}"
    for index, port in named:
        target = port["targetPort"]
        protocol = _protocol(port)
        protocols = set().union(*(ports_of.get(target, set()) for ports_of in declared))
        if protocol in protocols:
            continue
        where = ("spec", "ports", index, "targetPort")
        label = f"{service} {_port_label(index, port)}"
        selected = f"the pods it selects ({_names(workloads)})"
        if protocols:
            yield ctx.violation(
                where,
                f"{label} targets {target!r} over"
                f" {protocol}, but {selected} declare {target!r}"
                f" only over {', '.join(sorted(protocols))}",
            )
        else:
            have = (
                f"; they declare {', '.join(map(repr, every))}"
                if every
                else "; they declare no named ports"
            )
            have += did_you_mean(target, every, form=AFTER_SEMICOLON)
            init = _init_declaring(workloads, target)
            if init:
                have += (
                    f" ({init} declares it, but a Service does not use the ports of an"
                    " init container that is not a sidecar)"
                )
            yield ctx.violation(
                where,
                f"{label} targets the named port"
                f" {target!r}, which none of {selected}"
                f" declare{have}",
            )
