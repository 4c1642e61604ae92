"""## What it does
Reports `windowsOptions.hostProcess: true` in the pod's `securityContext` (which every
container inherits; reported once, at the pod) or in a container's or init container's own
`securityContext`.

## Why is this bad?
A Windows HostProcess container is not isolated at all: it runs as a process of the
Windows node, with the node's network (the pod must set `hostNetwork: true`), file system
and, typically, the `NT AUTHORITY\\SYSTEM` account. It is the Windows equivalent of a
privileged container with every host namespace: whoever controls it controls the node. The
Pod Security Standards forbid it from the *baseline* level up. Only node agents installed
by the cluster administrator need it; silence the rule for such an object with the
annotation `kubelint.io/ignore: windows-host-process`.

## Example
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
spec:
  selector:
    matchLabels: {app: node-agent}
  template:
    metadata:
      labels: {app: node-agent}
    spec:
      os: {name: windows}
      hostNetwork: true
      securityContext:
        windowsOptions:
          hostProcess: true
          runAsUserName: "NT AUTHORITY\\\\SYSTEM"
      containers:
        - name: agent
          image: registry.example.com/agent:1.0-windows
```

## Use instead
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
spec:
  selector:
    matchLabels: {app: node-agent}
  template:
    metadata:
      labels: {app: node-agent}
    spec:
      os: {name: windows}
      securityContext:
        windowsOptions:
          runAsUserName: ContainerUser
      containers:
        - name: agent
          image: registry.example.com/agent:1.0-windows
```

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule


def _host_process(sc: Any) -> bool:
    options = sc.get("windowsOptions") if isinstance(sc, Mapping) else None
    return isinstance(options, Mapping) and options.get("hostProcess") is True


@rule(
    id="windows-host-process",
    severity="error",
    kinds=POD_SPEC_KINDS,
    summary="a Windows HostProcess container runs unisolated on its node",
    controls=("pss:baseline/host-process", "cis:5.2.11"),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    # windowsOptions is merged field by field (kubelet), so a container that writes other
    # windowsOptions still inherits the pod's hostProcess: report the pod once, and each
    # container that sets it itself.
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if spec_path is None or spec is None:
        return
    if _host_process(spec.get("securityContext")):
        yield ctx.violation(
            (*spec_path, "securityContext", "windowsOptions", "hostProcess"),
            f"{obj.kind} {obj.display_name or '?'!r} sets hostProcess: true at pod"
            " level: every container runs unisolated as a process of the"
            " Windows node",
        )
    for ref in obj.containers(include_init=True):
        if _host_process(ref.container.get("securityContext")):
            yield ctx.violation(
                (*ref.path, "securityContext", "windowsOptions", "hostProcess"),
                f"{ref.label} sets hostProcess: true: it runs unisolated as a"
                " process of the Windows node",
            )
