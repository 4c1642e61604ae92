"""## What it does
Reports a container or init container whose `securityContext.capabilities.add` grants a
dangerous Linux capability: `ALL`, `SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE`, `SYS_MODULE`,
`SYS_RAWIO`, `SYS_BOOT`, `SYS_TIME`, `DAC_READ_SEARCH`, `BPF`, `PERFMON`, `MAC_ADMIN`,
`MAC_OVERRIDE`, `AUDIT_CONTROL` or `SYSLOG`. Names are matched in any case and with or
without the `CAP_` prefix, as the container runtimes accept them.

The capabilities that hand the container the node (`ALL`, `SYS_ADMIN`, `SYS_MODULE`,
`SYS_RAWIO`, `DAC_READ_SEARCH`, `BPF`, `MAC_ADMIN`, `MAC_OVERRIDE`) are errors; the others
widen what a compromised container can do to the node without giving it away, and are
warnings.

## Why is this bad?
Each of these breaks the isolation between the container and the node: `SYS_ADMIN` is
"the new root" (mounts, namespaces, most container escapes); `SYS_MODULE` loads kernel
code; `SYS_RAWIO`, `BPF` and `PERFMON` read kernel or device memory; `DAC_READ_SEARCH`
allows the `open_by_handle_at` escape that reads any host file; `SYS_PTRACE` reads the
memory and secrets of other processes; `NET_ADMIN` rewrites routing and firewall rules
(bypassing NetworkPolicy on the host network); `SYS_TIME` sets the node's clock;
`SYS_BOOT` reboots it; `MAC_ADMIN`, `MAC_OVERRIDE` and `AUDIT_CONTROL` switch off AppArmor,
SELinux and auditing; `SYSLOG` leaks kernel addresses. The Pod Security Standards
*baseline* level forbids adding any of them.

Capabilities that runtimes grant by default (`CHOWN`, `MKNOD`, `NET_RAW`, `SETUID`, ...)
are not reported when added: adding one back after `drop: [ALL]` restores no more than
the runtime default, and `capabilities-not-dropped` asks for them to be dropped. `NET_RAW`
in particular (ping, packet spoofing on the pod network) is in the Docker and containerd
default set, so re-adding it is a deliberate choice rather than an escalation; Polaris
does not treat it as dangerous either. Windows pods are skipped.

## Example
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: net-tuner
spec:
  selector:
    matchLabels: {app: net-tuner}
  template:
    metadata:
      labels: {app: net-tuner}
    spec:
      containers:
        - name: tuner
          image: registry.example.com/net-tuner:0.9
          securityContext:
            capabilities:
              add: [NET_ADMIN, SYS_ADMIN]
```

## Use instead
```yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: web-proxy
spec:
  selector:
    matchLabels: {app: web-proxy}
  template:
    metadata:
      labels: {app: web-proxy}
    spec:
      containers:
        - name: proxy
          image: registry.example.com/proxy:0.9
          securityContext:
            capabilities:
              drop: [ALL]
              add: [NET_BIND_SERVICE]
```

## Options
- `allowed` (list of strings, default `[]`): capabilities not to report, in the same
  spellings (`NET_ADMIN`, `cap_net_admin`), for a cluster where e.g. a service-mesh init
  container legitimately needs `NET_ADMIN`. Prefer a per-object suppression comment.

## References
- https://kubernetes.io/docs/concepts/security/pod-security-standards/
- https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container
- https://man7.org/linux/man-pages/man7/capabilities.7.html
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

#: Capabilities that give a container control of its node (kernel code, kernel or device
#: memory, any host file, the mandatory access control policy): errors. The rest: warnings.
NODE_TAKEOVER = frozenset(
    {
        "ALL",
        "SYS_ADMIN",
        "SYS_MODULE",
        "SYS_RAWIO",
        "DAC_READ_SEARCH",
        "BPF",
        "MAC_ADMIN",
        "MAC_OVERRIDE",
    }
)
DANGEROUS = {
    "ALL": "every capability",
    "SYS_ADMIN": "mounts, namespaces and most container escapes",
    "NET_ADMIN": "control of routing, firewall rules and interfaces",
    "SYS_PTRACE": "tracing other processes and reading their memory",
    "SYS_MODULE": "loading kernel modules",
    "SYS_RAWIO": "raw access to devices and kernel memory",
    "SYS_BOOT": "rebooting the node",
    "SYS_TIME": "setting the node's clock",
    "DAC_READ_SEARCH": "reading any host file through open_by_handle_at",
    "BPF": "loading BPF programs into the kernel",
    "PERFMON": "kernel performance monitoring and memory reads",
    "MAC_ADMIN": "changing the AppArmor or SELinux policy",
    "MAC_OVERRIDE": "bypassing the AppArmor or SELinux policy",
    "AUDIT_CONTROL": "switching off kernel auditing",
    "SYSLOG": "reading the kernel log and kernel addresses",
}


def _normalize(capability: Any) -> str | None:
    """``cap_sys_admin`` -> ``SYS_ADMIN`` (runtimes accept either spelling and case)."""
    if not isinstance(capability, str):
        return None
    name = capability.strip().upper()
    return name[4:] if name.startswith("CAP_") else name


@rule(
    id="capabilities-added",
    severity="error",
    kinds=POD_SPEC_KINDS,
    summary="a container adds a dangerous Linux capability",
    options={
        "allowed": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "capabilities not to report when added",
        }
    },
    controls=(
        Control(
            "pss:baseline/capabilities",
            partial="a deny-list of dangerous capabilities; the level allows adding 13"
            " capabilities by exact name, and no other",
        ),
        Control("cis:5.2.9", partial="only the dangerous capabilities it lists are reported"),
    ),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.pod_spec()
    if spec is None or is_windows_pod(spec):
        return
    allowed_option = ctx.options.get("allowed") or []
    allowed = (
        {_normalize(name) for name in allowed_option} if isinstance(allowed_option, list) else set()
    )
    for ref in obj.containers(include_init=True):
        sc = as_mapping(ref.container.get("securityContext"))
        caps = as_mapping(sc.get("capabilities")) if sc else None
        added = caps.get("add") if caps else None
        if not isinstance(added, list):
            continue
        for index, capability in enumerate(added):
            name = _normalize(capability)
            if name in DANGEROUS and name not in allowed:
                yield ctx.violation(
                    (*ref.path, "securityContext", "capabilities", "add", index),
                    f"{ref.label} adds capability {capability} ({DANGEROUS[name]})",
                    severity=None if name in NODE_TAKEOVER else "warning",
                )
