"""## What it does
Reports a container or init container port with a non-zero `hostPort`.

## Why is this bad?
A `hostPort` binds the port on the node's IP address and forwards it to the container. That
exposes the pod on every network that reaches the node, outside Services, Ingresses and
usually NetworkPolicies, and ties the pod to a node-wide resource: only one pod per node
can hold a given `hostPort`/protocol/`hostIP`, so a second replica (or the new pod of a
rolling update) stays Pending on a node that already runs one, and the scheduler's choice
of nodes shrinks for every such pod. The Pod Security Standards *baseline* level forbids
host ports unless they are on a known allow-list. Use a Service (`ClusterIP`, or
`NodePort`/`LoadBalancer` when the port must be reachable from outside) instead.

A pod with `hostNetwork: true` binds every `containerPort` on the node anyway (the API
server defaults `hostPort` to `containerPort` for it); `host-namespace` reports that pod,
so this rule only reports the ports that set `hostPort` explicitly.

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
            - containerPort: 8080
              hostPort: 80
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
            - containerPort: 8080
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

## References
- https://kubernetes.io/docs/concepts/configuration/overview/#services
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule


@rule(
    id="host-port",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a container port is bound on the node through hostPort",
    controls=("pss:baseline/host-ports", "cis:5.2.13"),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    for ref in obj.containers(include_init=True):
        ports = ref.container.get("ports")
        if not isinstance(ports, list):
            continue
        for index, port in enumerate(ports):
            if not isinstance(port, Mapping):
                continue
            host_port = port.get("hostPort")
            if isinstance(host_port, bool) or not isinstance(host_port, int) or not host_port:
                continue
            container_port = port.get("containerPort")
            target = (
                f" (containerPort {container_port})"
                if isinstance(container_port, int) and not isinstance(container_port, bool)
                else ""
            )
            yield ctx.violation(
                (*ref.path, "ports", index, "hostPort"),
                f"{ref.label} binds hostPort {host_port}{target} on its node:"
                " one such pod per node, exposed outside Services; use a"
                " Service instead",
            )
