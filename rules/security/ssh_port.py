"""## What it does
Reports port 22, the SSH port:

- a `containerPort: 22` of a container or init container;
- a Service `port: 22`, or a `targetPort: 22` (numeric) that forwards to it. A Service
  port that is 22 on both sides is reported once.

## Why is this bad?
An SSH daemon in a container is almost always a leftover from treating containers like
virtual machines. It is a second, unaudited way in: it bypasses RBAC and the API server's
audit log (which `kubectl exec` goes through), usually comes with long-lived keys or
passwords baked into the image or a volume, adds a privileged long-running process, and
exposed through a Service it is reachable by everything the Service is, often from
outside the cluster. Use `kubectl exec` or `kubectl debug` for interactive access.
Git servers (Gitea, GitLab Shell) legitimately serve git over SSH on port 22: silence the
rule for those objects with the `kubelint.io/ignore` annotation.

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
            - {name: http, containerPort: 8080}
            - {name: ssh, containerPort: 22}
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
```

## References
- https://kubernetes.io/docs/tasks/debug/debug-application/get-shell-running-container/
- https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/#ephemeral-container
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule

SSH = 22


def _is_ssh(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value == SSH


@rule(
    id="ssh-port",
    severity="warning",
    kinds=(*sorted(POD_SPEC_KINDS), "Service"),
    summary="a container or Service exposes the SSH port 22",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if obj.kind == "Service":
        if not obj.is_kind("Service"):
            return  # a Knative Service or another API's kind
        ports = obj.get(("spec", "ports"))
        if not isinstance(ports, list):
            return
        for index, port in enumerate(ports):
            if not isinstance(port, Mapping):
                continue
            label = f" {port['name']!r}" if isinstance(port.get("name"), str) else ""
            if _is_ssh(port.get("port")):
                yield ctx.violation(
                    ("spec", "ports", index, "port"),
                    f"Service {obj.display_name or '?'!r} port{label} exposes the"
                    " SSH"
                    " port 22; use kubectl exec or kubectl debug instead of"
                    " an SSH server",
                )
            elif _is_ssh(port.get("targetPort")):
                yield ctx.violation(
                    ("spec", "ports", index, "targetPort"),
                    f"Service {obj.display_name or '?'!r} port{label} forwards port"
                    f" {port.get('port')} to the SSH port 22 of its pods;"
                    " use kubectl exec or kubectl debug instead of an SSH"
                    " server",
                )
        return
    for ref in obj.containers(include_init=True):
        ports = ref.container.get("ports")
        if not isinstance(ports, list):
            continue
        for index, port in enumerate(ports):
            if isinstance(port, Mapping) and _is_ssh(port.get("containerPort")):
                yield ctx.violation(
                    (*ref.path, "ports", index, "containerPort"),
                    f"{ref.label} exposes the SSH port 22; use kubectl exec"
                    " or kubectl debug instead of an SSH server",
                )
