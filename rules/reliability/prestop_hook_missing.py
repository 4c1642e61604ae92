"""## What it does
Reports a container without a `lifecycle.preStop` hook in a long-running workload
(Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, or a Pod that
restarts `Always`) whose pods a Service of the input selects.

Only the containers that serve the Service are reported: those whose declared ports are a
`targetPort` of one of the selecting Services (by number and protocol, or by port name).
When a Service's target cannot be matched to a declared container port (ports need not be
declared) every regular container is reported. Service ports named `metrics`,
`*-metrics` or `metrics-*` are not counted: a failed scrape is retried at the next
interval, so a workload that only serves metrics is not reported. Init containers,
sidecars included, are not checked, and `ExternalName` Services, which have no endpoints,
do not count.

The rule is off by default. It only looks at Services that are in the input, in the
workload's namespace: a workload linted without its Service is not reported.

## Why is this bad?
When a pod is deleted (a rollout, a scale-down, a node drain), removing it from its
Services' endpoints and stopping its containers happen at the same time, not one after
the other: the kubelet sends `SIGTERM` while kube-proxy, ingress controllers and load
balancers may still be routing new connections to the pod for a few seconds. An
application that exits on `SIGTERM` then refuses or cuts requests during every rollout.
The source notes (004, "删除一个Pod会发生什么事情？") list the steps: the pod is removed from
the endpoints, the `preStop` hook runs ("停止钩子一般定义了如何优雅的结束进程"), then `TERM`,
then `KILL` after the grace period.

A `preStop` hook runs before `SIGTERM` is sent: a short sleep there (an `exec` of `sleep`,
or the `sleep` action on recent Kubernetes versions) keeps the container serving until the
endpoint removal has reached every proxy, and can also ask the application to drain.
Keep the hook plus the application's own shutdown shorter than
`terminationGracePeriodSeconds`: the hook's time counts against it.

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
            - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - port: 80
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
            - containerPort: 80
          lifecycle:
            preStop:
              exec: {command: [sleep, "5"]}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - port: 80
```

## References
- https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
- https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/
- https://kubernetes.io/docs/tasks/configure-pod-container/attach-handler-lifecycle-event/
- Source notes 004 (删除一个Pod会发生什么事情？) and 001 (简单描述一下pod 的终止过程): the pod is
  removed from the endpoints, the preStop hook runs, then TERM and KILL
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import (
    POD_SPEC_KINDS,
    ContainerRef,
    Manifest,
    RuleContext,
    Violation,
    as_mapping,
    rule,
)

DEFAULT_PROTOCOL = "TCP"


def _protocol(value: Any) -> Any:
    return DEFAULT_PROTOCOL if value is None else value


def _serves(ref: ContainerRef, target: Any, protocol: Any) -> bool:
    """Does the container declare the port a Service's ``targetPort`` names?"""
    ports = ref.container.get("ports")
    if not isinstance(ports, list):
        return False
    for port in ports:
        if not isinstance(port, Mapping):
            continue
        if isinstance(target, str):
            if port.get("name") == target:
                return True
        elif port.get("containerPort") == target and _protocol(port.get("protocol")) == protocol:
            return True
    return False


def _metrics_only(port: Mapping[str, Any]) -> bool:
    """A Service port named for metrics: a scrape that fails while the pod stops is
    retried at the next interval, so it needs no draining."""
    name = port.get("name")
    return isinstance(name, str) and (
        name == "metrics" or name.endswith("-metrics") or name.startswith("metrics-")
    )


def _routes_to(service: Manifest, containers: list[ContainerRef]) -> set[int]:
    """Indexes of the containers the Service's ports route to; all of them when a port's
    target is not a declared container port (an undeclared port still gets traffic)."""
    everyone = set(range(len(containers)))
    ports = service.get(("spec", "ports"))
    if not isinstance(ports, list) or not ports:
        return everyone  # no ports (a headless Service): any container may serve
    serving: set[int] = set()
    for port in ports:
        if not isinstance(port, Mapping) or _metrics_only(port):
            continue
        target = port.get("targetPort")
        if target is None or target == "" or target == 0:
            target = port.get("port")  # targetPort defaults to port
        if type(target) is not int and not isinstance(target, str):
            continue  # malformed: schema validation reports it
        protocol = _protocol(port.get("protocol"))
        if not isinstance(protocol, str):
            continue
        matched = [index for index, ref in enumerate(containers) if _serves(ref, target, protocol)]
        if not matched:
            return everyone
        serving.update(matched)
    return serving


def _has_prestop(container: Mapping[str, Any]) -> bool | None:
    """True or False; None when lifecycle is malformed (left to schema validation)."""
    lifecycle = as_mapping(container.get("lifecycle"))
    if lifecycle is None:
        return None
    return lifecycle.get("preStop") is not None


@rule(
    id="prestop-hook-missing",
    severity="info",
    kinds=POD_SPEC_KINDS,
    enabled=False,
    summary="a container behind a Service has no preStop hook to drain before shutdown",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if not obj.is_long_running():
        return
    services = [
        service
        for service in ctx.index.services_for(obj)
        if service.get(("spec", "type")) != "ExternalName"
    ]
    if not services:
        return
    containers = list(obj.containers(include_init=False))
    # Each container's Services, in input order; the same Service may be in the input
    # twice (one file per environment): name it once.
    routes: dict[int, dict[str, None]] = {}
    for service in services:
        for index in _routes_to(service, containers):
            routes.setdefault(index, {})[service.display_name or "?"] = None
    for index, ref in enumerate(containers):
        names = list(routes.get(index, ()))
        if not names or _has_prestop(ref.container) is not False:
            continue
        plural = "s" if len(names) > 1 else ""
        yield ctx.violation(
            (*ref.path, "lifecycle", "preStop"),
            f"{ref.label} has no lifecycle.preStop hook, but Service{plural}"
            f" {', '.join(map(repr, names))} route{'' if plural else 's'}"
            " traffic to it: requests in flight are cut while the pod is"
            " removed from the endpoints",
        )
