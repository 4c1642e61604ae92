"""## What it does
Reports a container or init container whose `securityContext.procMount` is set to
anything but `Default`: `Unmasked`, or a value Kubernetes does not define (only `Default`
and `Unmasked` exist; values are case-sensitive, and the OpenAPI schema does not list
them, so schema validation lets `Other` or `unmasked` through).

## Why is this bad?
By default the container runtime masks and makes read-only the sensitive parts of
`/proc` and `/sys` (`/proc/kcore`, `/proc/sysrq-trigger`, `/proc/sys`, ...). `Unmasked`
turns that off, exposing kernel memory, host-wide kernel tunables and the SysRq trigger to
the container. It exists for nested container runtimes in user-namespaced pods
(`hostUsers: false`), and the API server only accepts it there. The Pod Security
Standards forbid anything but `Default` at the *restricted* level, and at *baseline* too
unless the pod has its own user namespace (baseline policy 1.35 and later lets such a pod
set any value, user namespaces blunting the exposure); this rule follows *restricted* and
reports `Unmasked` in a user-namespaced pod too: silence it for the nested-runtime pods
that need it. Any other value is a mistake: API validation rejects it where the
`ProcMountType` feature is on (it drops the field where it is off), and Pod Security
admission rejects any value but `Default` outside user-namespaced pods.
`procMount` is a container-only field. Windows pods are skipped.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: builder
spec:
  containers:
    - name: buildkit
      image: moby/buildkit:v0.15.1
      securityContext:
        procMount: Unmasked
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: builder
spec:
  containers:
    - name: buildkit
      image: moby/buildkit:v0.15.1-rootless
      securityContext:
        procMount: Default
```

## References
- https://kubernetes.io/docs/concepts/security/pod-security-standards/
- https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context-1
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import (
    POD_SPEC_KINDS,
    Manifest,
    RuleContext,
    Violation,
    as_mapping,
    is_windows_pod,
    rule,
)


@rule(
    id="proc-mount-unmasked",
    severity="error",
    kinds=POD_SPEC_KINDS,
    summary="a container sees an unmasked /proc of the node's kernel",
    controls=("pss:baseline/proc-mount-type",),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.pod_spec()
    if spec is None or is_windows_pod(spec):
        return
    for ref in obj.containers(include_init=True):
        sc = as_mapping(ref.container.get("securityContext"))
        value = sc.get("procMount") if sc else None
        if not isinstance(value, str) or value == "Default":
            continue  # unset, or malformed (schema validation reports a wrong type)
        if value == "Unmasked":
            message = (
                f"{ref.label} has procMount: Unmasked: /proc and /sys of the kernel"
                " are not masked; remove it or set Default"
            )
        else:
            message = (
                f"{ref.label} has procMount: {value!r}, which is not a valid value"
                " (Kubernetes defines Default and Unmasked; Pod Security restricted"
                " allows only Default); remove it or set Default"
            )
        yield ctx.violation((*ref.path, "securityContext", "procMount"), message)
