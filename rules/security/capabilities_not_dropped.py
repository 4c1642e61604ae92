"""## What it does
Reports a container or init container whose `securityContext.capabilities.drop` contains
neither `ALL` nor at least `NET_RAW` (any case, with or without the `CAP_` prefix).

## Why is this bad?
Container runtimes start every process, root or not, with a default set of capabilities
(`CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `SETUID`, `SETGID`, `NET_RAW`, `MKNOD`, ...). Few
applications need any of them, and each one is attack surface if the process is taken
over: `NET_RAW` in particular lets it craft raw packets to spoof ARP and DNS replies to
other pods on the node's network. Dropping `ALL` and adding back only what the process
needs (usually nothing, or `NET_BIND_SERVICE` to listen below port 1024) is what the Pod
Security Standards *restricted* level requires. Dropping `NET_RAW` is the minimum this
rule accepts.

Capabilities are a container-only field: a `capabilities` key in the pod's
`securityContext` is not part of the API and does nothing. Privileged containers are
skipped (they get every capability whatever `drop` says; `privileged-container` reports
them), and so are Windows pods.

## Example
```yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: cache
spec:
  serviceName: cache
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache}
    spec:
      containers:
        - name: redis
          image: redis:7.4
          securityContext:
            capabilities:
              drop: [SYS_CHROOT]
```

## Use instead
```yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: cache
spec:
  serviceName: cache
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache}
    spec:
      containers:
        - name: redis
          image: redis:7.4
          securityContext:
            capabilities:
              drop: [ALL]
```

## References
- https://kubernetes.io/docs/concepts/security/pod-security-standards/
- https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kubelint.api import (
    POD_SPEC_KINDS,
    Manifest,
    RuleContext,
    Violation,
    as_mapping,
    is_windows_pod,
    rule,
)

ENOUGH = frozenset({"ALL", "NET_RAW"})


def _normalize(capability: Any) -> str | None:
    """``cap_net_raw`` -> ``NET_RAW`` (runtimes accept either spelling and case)."""
    if not isinstance(capability, str):
        return None
    name = capability.strip().upper()
    return name[4:] if name.startswith("CAP_") else name


@rule(id="capabilities-not-dropped", severity="warning", kinds=POD_SPEC_KINDS,
      summary="a container keeps the runtime's default Linux capabilities")
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.pod_spec()
    if spec is None or is_windows_pod(spec):
        return
    for ref in obj.containers(include_init=True):
        sc = as_mapping(ref.container.get("securityContext"))
        if sc is None or sc.get("privileged") is True:
            continue
        caps = as_mapping(sc.get("capabilities"))
        if caps is None:
            continue  # malformed: schema validation reports it
        dropped = caps.get("drop")
        if dropped is None:
            dropped = []
        if not isinstance(dropped, list):
            continue
        if any(_normalize(name) in ENOUGH for name in dropped):
            continue
        state = "drops no capabilities" if not dropped else \
            f"drops {', '.join(str(name) for name in dropped)} but neither ALL nor NET_RAW"
        yield ctx.violation((*ref.path, "securityContext", "capabilities", "drop"),
                            f"{ref.label} {state}; add drop: [ALL]")
