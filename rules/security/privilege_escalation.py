"""## What it does
Reports a container or init container whose `securityContext.allowPrivilegeEscalation` is
not explicitly `false`, and one that can escalate whatever that field says because it runs
`privileged` or adds `SYS_ADMIN` (or `ALL`, which includes it).

## Why is this bad?
`allowPrivilegeEscalation: false` makes the kubelet start the process with Linux's
`no_new_privs` flag, so neither it nor its children can gain privileges through setuid or
setgid binaries (`sudo`, `su`, `ping` on old images) or file capabilities. Unset, the
default is to allow it: a non-root process that finds a setuid-root binary in the image
becomes root. The Pod Security Standards *restricted* level requires it to be `false`.

A privileged container, or one that adds `CAP_SYS_ADMIN`, always may escalate: the API
server rejects `allowPrivilegeEscalation: false` together with either, and `SYS_ADMIN` can
regain privileges by other means (mounts, namespaces) anyway, so those are reported at the
field that causes it. The field is container-only (not inherited from the
pod's `securityContext`). Windows pods are skipped: the API rejects the field there.

## Example
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.example.com/migrate:2.1
          securityContext:
            runAsNonRoot: true
```

## Use instead
```yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.example.com/migrate:2.1
          securityContext:
            runAsNonRoot: true
            allowPrivilegeEscalation: false
```

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
- https://kubernetes.io/docs/concepts/security/pod-security-standards/
- https://www.kernel.org/doc/html/latest/userspace-api/no_new_privs.html
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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


def _normalize(capability: Any) -> str | None:
    """``cap_sys_admin`` -> ``SYS_ADMIN`` (runtimes accept either spelling and case)."""
    if not isinstance(capability, str):
        return None
    name = capability.strip().upper()
    return name[4:] if name.startswith("CAP_") else name


def _sys_admin_index(sc: Mapping[str, Any]) -> int | None:
    caps = sc.get("capabilities")
    added = caps.get("add") if isinstance(caps, Mapping) else None
    if not isinstance(added, list):
        return None
    for index, capability in enumerate(added):
        if _normalize(capability) in ("SYS_ADMIN", "ALL"):
            return index
    return None


@rule(
    id="privilege-escalation",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a container process may gain more privileges than it started with",
    controls=("pss:restricted/privilege-escalation", "cis:5.2.6"),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.pod_spec()
    if spec is None or is_windows_pod(spec):
        return
    for ref in obj.containers(include_init=True):
        sc = as_mapping(ref.container.get("securityContext"))
        if sc is None:
            continue  # malformed: schema validation reports it
        base = (*ref.path, "securityContext")
        if sc.get("privileged") is True:
            yield ctx.violation(
                (*base, "privileged"),
                f"{ref.label} runs privileged, so privilege escalation is"
                " always allowed whatever allowPrivilegeEscalation says",
            )
            continue
        admin = _sys_admin_index(sc)
        if admin is not None:
            added = sc["capabilities"]["add"][admin]
            yield ctx.violation(
                (*base, "capabilities", "add", admin),
                f"{ref.label} adds {added}, so privilege escalation is always"
                " allowed whatever allowPrivilegeEscalation says",
            )
            continue
        value = sc.get("allowPrivilegeEscalation")
        if value is False:
            continue
        if value is True:
            message = f"{ref.label} sets allowPrivilegeEscalation: true"
        elif value is None:
            message = (
                f"{ref.label} does not set allowPrivilegeEscalation, which defaults"
                " to allowing setuid binaries to gain privileges"
            )
        else:
            continue  # malformed: schema validation reports it
        yield ctx.violation(
            (*base, "allowPrivilegeEscalation"), f"{message}; set allowPrivilegeEscalation: false"
        )
