"""## What it does
Reports a container or init container that may run as root: neither `runAsNonRoot: true`
nor a non-zero `runAsUser` is in effect (its own `securityContext` or the pod's, which it
inherits). An explicit `runAsUser: 0` together with `runAsNonRoot: true` is an error (the
kubelet refuses to start the container); any other explicit `runAsUser: 0`, and a
`runAsUser` below the `min-uid` option, are warnings.

It also reports a container whose `runAsGroup` (its own or the pod's) is 0, the root
group, as a warning, unless it already runs as root (`runAsUser: 0`, reported as an
error). With the `min-gid` option raised above 1, a `runAsGroup` below it, or no
`runAsGroup` at all, is reported too.

## Why is this bad?
Without either field the process runs as whatever user the image declares, and most
images declare none, which means root (UID 0). Root in a container is the same UID 0 as on
the node: a container escape, a writable hostPath or a kernel bug then hands the attacker
root on the node. `runAsNonRoot: true` makes the kubelet refuse to start a container whose
user is root (it checks the image's numeric user at start), and `runAsUser` with a non-zero
UID picks a user explicitly. The Pod Security Standards *restricted* level requires
`runAsNonRoot: true` and forbids `runAsUser: 0`.

A non-root user in the root group (`runAsGroup: 0`) keeps part of root's reach: the
process may read and write every file whose group is root and whose group permission
allows it, in the image, in shared volumes and, after an escape or through a hostPath, on
the node (where many system files and directories belong to group 0). Files it creates
belong to group root too. Running with a non-root primary group is the point of
`runAsGroup` (KEP-213: "running containers with a non zero user id and non zero primary
group id ... if it escapes the container boundary, will still cause least harm").

Fields the container inherits from the pod's `securityContext` count: a pod-level
`runAsNonRoot: true` or `runAsUser: 1000` satisfies every container that does not override
it. Windows pods are skipped (they use `windowsOptions.runAsUserName`).

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:3.0
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
      containers:
        - name: api
          image: registry.example.com/api:3.0
```

## Options
- `min-uid` (integer, default 1): a `runAsUser` below it is reported. The default only
  rejects root. kube-score asks for 10000 or more so that container UIDs never coincide
  with users that exist on the node (which matters after an escape or with shared
  hostPath files); that is a sound hardening but a contested default, since many official
  images use UIDs such as 101, 999 or 1000, so it is an opt-in: set `min-uid: 10000` to
  enforce it.
- `min-gid` (integer, default 1): a `runAsGroup` below it is reported. The default only
  rejects the root group 0. Above 1 (kube-score uses 10000), a container without a
  `runAsGroup` is reported too: it runs with its image's group, which is root's for most
  images and for any UID the image does not list in `/etc/passwd`.

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
- https://kubernetes.io/docs/concepts/security/pod-security-standards/
- https://github.com/kubernetes/enhancements/tree/master/keps/sig-node/213-run-as-group
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import (
    POD_SPEC_KINDS,
    ContainerRef,
    Control,
    Manifest,
    RuleContext,
    Violation,
    as_mapping,
    effective_security_context,
    is_windows_pod,
    rule,
)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _where(
    field: str,
    own: Mapping[str, Any],
    pod_sc: Mapping[str, Any],
    spec_path: tuple[str | int, ...],
    ref: ContainerRef,
) -> tuple[str | int, ...]:
    """The field in the context it comes from: the container's, else the pod's."""
    if own.get(field) is None and pod_sc.get(field) is not None:
        return (*spec_path, "securityContext", field)
    return (*ref.path, "securityContext", field)


@rule(
    id="run-as-root",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a container may run as root",
    options={
        "min-uid": {
            "type": "integer",
            "minimum": 0,
            "default": 1,
            "description": "the lowest acceptable runAsUser (kube-score uses 10000 to keep"
            " clear of the node's users)",
        },
        "min-gid": {
            "type": "integer",
            "minimum": 1,
            "default": 1,
            "description": "the lowest acceptable runAsGroup; above 1 a missing runAsGroup"
            " is reported too (kube-score uses 10000)",
        },
    },
    controls=(
        Control(
            "pss:restricted/running-as-non-root",
            partial="a non-zero runAsUser is accepted in place of runAsNonRoot: true",
        ),
        "pss:restricted/running-as-non-root-user",
        "cis:5.2.7",
        "nsa:non-root-containers",
    ),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.pod_spec()
    if spec is None or is_windows_pod(spec):
        return
    spec_path = obj.pod_spec_path() or ()
    pod_sc = as_mapping(spec.get("securityContext"))
    if pod_sc is None:
        return  # malformed: schema validation reports it
    min_uid = ctx.options.get("min-uid", 1)
    if not _is_int(min_uid):
        min_uid = 1
    min_gid = ctx.options.get("min-gid", 1)
    if not _is_int(min_gid) or min_gid < 1:
        min_gid = 1
    for ref in obj.containers(include_init=True):
        own = as_mapping(ref.container.get("securityContext"))
        if own is None:
            continue
        sc = effective_security_context(spec, ref.container)
        uid, non_root = sc.get("runAsUser"), sc.get("runAsNonRoot")
        if (uid is not None and not _is_int(uid)) or (
            non_root is not None and not isinstance(non_root, bool)
        ):
            continue  # malformed: schema validation reports it

        origin = " (from the pod)" if own.get("runAsUser") is None else ""
        if uid == 0:
            extra = (
                ": runAsNonRoot: true makes the kubelet refuse to start it"
                if non_root is True
                else ""
            )
            yield ctx.violation(
                _where("runAsUser", own, pod_sc, spec_path, ref),
                f"{ref.label} runs as root: runAsUser 0{origin}{extra}; use a non-zero UID",
                # Refused by the kubelet: certain to break. Otherwise a
                # deliberate root user, a risk: the rule's warning.
                severity="error" if non_root is True else None,
            )
        elif uid is not None and uid < min_uid:
            yield ctx.violation(
                _where("runAsUser", own, pod_sc, spec_path, ref),
                f"{ref.label} runs as UID {uid}{origin}, below the minimum {min_uid}",
            )
        elif uid is None and non_root is not True:
            state = (
                "sets runAsNonRoot: false"
                if non_root is False
                else "sets neither runAsNonRoot: true"
            )
            if non_root is False:
                state += " and no runAsUser"
            else:
                state += " nor a runAsUser"
            yield ctx.violation(
                _where("runAsNonRoot", own, pod_sc, spec_path, ref),
                f"{ref.label} {state}: it runs as the image's user, root"
                " unless the image says otherwise; set runAsNonRoot: true",
            )
        if uid != 0:
            yield from _group(sc.get("runAsGroup"), min_gid, own, pod_sc, spec_path, ref, ctx)


def _group(
    gid: Any,
    min_gid: int,
    own: Mapping[str, Any],
    pod_sc: Mapping[str, Any],
    spec_path: tuple[str | int, ...],
    ref: ContainerRef,
    ctx: RuleContext,
) -> Iterator[Violation]:
    """The primary group: root's (0) is reported; with ``min-gid`` above 1, a lower one
    or none at all."""
    if gid is not None and not _is_int(gid):
        return  # malformed: schema validation reports it
    origin = " (from the pod)" if own.get("runAsGroup") is None else ""
    where = _where("runAsGroup", own, pod_sc, spec_path, ref)
    if gid == 0:
        yield ctx.violation(
            where, f"{ref.label} runs with the root group: runAsGroup 0{origin}; use a non-zero GID"
        )
    elif gid is not None and gid < min_gid:
        yield ctx.violation(
            where, f"{ref.label} runs as GID {gid}{origin}, below the minimum {min_gid}"
        )
    elif gid is None and min_gid > 1:
        yield ctx.violation(
            (*ref.path, "securityContext"),
            f"{ref.label} sets no runAsGroup: it runs with its image's"
            f" group, root's unless the image says otherwise; set a GID of"
            f" at least {min_gid}",
        )
