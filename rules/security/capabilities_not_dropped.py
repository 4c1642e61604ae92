"""## What it does
Reports a container or init container whose `securityContext.capabilities.drop` contains
neither `ALL` nor at least `NET_RAW` (any case, with or without the `CAP_` prefix). The
`must-drop` option names the capabilities to require instead of `NET_RAW`.

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

## Options
- `must-drop` (list of capability names, default `["NET_RAW"]`): the capabilities a
  container that does not drop `ALL` must drop (any case, with or without `CAP_`). Listing
  the runtime's whole default set (`AUDIT_WRITE`, `CHOWN`, `DAC_OVERRIDE`, `FOWNER`,
  `FSETID`, `KILL`, `MKNOD`, `NET_BIND_SERVICE`, `NET_RAW`, `SETFCAP`, `SETGID`,
  `SETPCAP`, `SETUID`, `SYS_CHROOT`) asks for all of them, spelled out or as `ALL`.

## References
- https://kubernetes.io/docs/concepts/security/pod-security-standards/
- https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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

DEFAULT_MUST_DROP = ("NET_RAW",)


def _normalize(capability: Any) -> str | None:
    """``cap_net_raw`` -> ``NET_RAW`` (runtimes accept either spelling and case)."""
    if not isinstance(capability, str):
        return None
    name = capability.strip().upper()
    return name[4:] if name.startswith("CAP_") else name


def _must_drop(option: Any) -> list[str]:
    names = [_normalize(name) for name in option] if isinstance(option, list) else []
    required = list(dict.fromkeys(name for name in names if name))
    return required or list(DEFAULT_MUST_DROP)


@rule(
    id="capabilities-not-dropped",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a container keeps the runtime's default Linux capabilities",
    options={
        "must-drop": {
            "type": "array",
            "items": {"type": "string"},
            "minItems": 1,
            "default": list(DEFAULT_MUST_DROP),
            "description": "capabilities a container that does not drop ALL must drop",
        }
    },
    controls=(
        Control(
            "pss:restricted/capabilities",
            partial="dropping NET_RAW is accepted in place of ALL, and what is added is not"
            " checked",
        ),
        Control(
            "cis:5.2.8", partial="a container that drops ALL and adds NET_RAW back is not reported"
        ),
        Control("cis:5.2.10", partial="dropping NET_RAW is accepted unless must-drop is [ALL]"),
    ),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.pod_spec()
    if spec is None or is_windows_pod(spec):
        return
    required = _must_drop(ctx.options.get("must-drop"))
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
        names = {_normalize(name) for name in dropped}
        missing = [name for name in required if name not in names]
        if "ALL" in names or not missing:
            continue
        if not dropped:
            state = "drops no capabilities"
        elif len(missing) == 1:
            state = (
                f"drops {', '.join(str(name) for name in dropped)} but neither ALL nor {missing[0]}"
            )
        else:
            state = (
                f"drops {', '.join(str(name) for name in dropped)} but not ALL, and"
                f" not {', '.join(missing)}"
            )
        yield ctx.violation(
            (*ref.path, "securityContext", "capabilities", "drop"),
            f"{ref.label} {state}; add drop: [ALL]",
        )
