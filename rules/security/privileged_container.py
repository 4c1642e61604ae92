"""## What it does
Reports a container or init container whose `securityContext.privileged` is `true`.

## Why is this bad?
A privileged container runs with every Linux capability, no seccomp or AppArmor/SELinux
confinement, and access to all host devices (`/dev/*`): it is root on the node in all but
name. Anyone who compromises the process can mount the host disk, load kernel modules and
take over the node and every other pod on it. The Pod Security Standards forbid it from the
*baseline* level up. Only node agents (CNI, storage drivers) genuinely need it, and they
belong in a namespace set aside for them with this rule suppressed for that object.

`privileged` is a container-only field: a `privileged` key in the pod's
`securityContext` is not part of the API and does nothing, so it is not inherited here.
Windows pods (`spec.os.name: windows`) are skipped: the API rejects the field for them.

## Example
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
        - name: agent
          image: registry.example.com/agent:1.4
          securityContext:
            privileged: true
```

## Use instead
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
        - name: agent
          image: registry.example.com/agent:1.4
          securityContext:
            privileged: false
            capabilities:
              drop: [ALL]
              add: [NET_BIND_SERVICE]
```

## References
- https://kubernetes.io/docs/concepts/security/pod-security-standards/
- https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import (
    POD_SPEC_KINDS,
    Control,
    Manifest,
    RuleContext,
    Violation,
    as_mapping,
    is_windows_pod,
    rule,
)


@rule(
    id="privileged-container",
    severity="error",
    kinds=POD_SPEC_KINDS,
    summary="a container runs privileged, with full access to the node",
    controls=(
        Control("pss:baseline/privileged-containers", partial="Windows pods are not checked"),
        "cis:5.2.2",
    ),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.pod_spec()
    if spec is None or is_windows_pod(spec):
        return
    for ref in obj.containers(include_init=True):
        sc = as_mapping(ref.container.get("securityContext"))
        if sc and sc.get("privileged") is True:
            yield ctx.violation(
                (*ref.path, "securityContext", "privileged"),
                f"{ref.label} runs privileged: it has every capability and"
                " all host devices; set privileged: false",
            )
