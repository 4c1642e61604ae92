"""## What it does
Reports a container or init container that explicitly turns off its mandatory access
control:

- an effective `appArmorProfile.type: Unconfined` (the container's own `securityContext`,
  else the pod's, which it inherits);
- the annotation `container.apparmor.security.beta.kubernetes.io/<container>: unconfined`
  on the pod (the pre-1.30 way to set the AppArmor profile);
- an effective `seLinuxOptions.type` of `spc_t` (the "super privileged container" type) or
  `unconfined_t`.

A setting written once at pod level is reported once, at the pod. Windows pods are skipped.

## Why is this bad?
AppArmor and SELinux are the last line of defence when a process escapes the container's
namespaces: the runtime's default profiles (`runtime/default`, `container_t`) deny writes
to the host's `/proc` and `/sys`, mounting file systems, and access to the host's files
even when they are reachable. `Unconfined`, `spc_t` and `unconfined_t` remove that layer,
so one kernel or runtime bug is enough to take the node. The Pod Security Standards
*baseline* level forbids overriding the default AppArmor profile to `Unconfined` and allows
only the container SELinux types (`container_t`, `container_init_t`, `container_kvm_t`,
`container_engine_t`).

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
      securityContext:
        appArmorProfile: {type: Unconfined}
        seLinuxOptions: {type: spc_t}
      containers:
        - name: web
          image: registry.example.com/web:2.0
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
      securityContext:
        appArmorProfile: {type: RuntimeDefault}
        seLinuxOptions: {type: container_t}
      containers:
        - name: web
          image: registry.example.com/web:2.0
```

## References
- https://kubernetes.io/docs/tutorials/security/apparmor/
- https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#assign-selinux-labels-to-a-container
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import (
    POD_SPEC_KINDS,
    Control,
    Manifest,
    Path,
    RuleContext,
    Violation,
    is_windows_pod,
    rule,
)

APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"
UNCONFINED_SELINUX = ("spc_t", "unconfined_t")


def _annotations_path(spec_path: Path) -> Path:
    if len(spec_path) > 1:
        return (*spec_path[:-1], "metadata", "annotations")
    return ("metadata", "annotations")


def _field(sc: Any, name: str) -> Any:
    return sc.get(name) if isinstance(sc, Mapping) else None


@rule(
    id="apparmor-selinux-unconfined",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a container runs without AppArmor or SELinux confinement",
    controls=(
        Control("pss:baseline/apparmor", partial="only an Unconfined profile is reported"),
        Control(
            "pss:baseline/selinux",
            partial="only the types spc_t and unconfined_t are reported; user and role are"
            " not checked",
        ),
    ),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if spec_path is None or spec is None or is_windows_pod(spec):
        return
    annotations_path = _annotations_path(spec_path)
    annotations = obj.get(annotations_path)
    if not isinstance(annotations, Mapping):
        annotations = {}
    pod_sc = spec.get("securityContext")
    pod_sc_path = (*spec_path, "securityContext")
    what = f"{obj.kind} {obj.display_name or '?'!r}"
    reported: set[Path] = set()
    for ref in obj.containers(include_init=True):
        own_sc = ref.container.get("securityContext")
        own_sc_path = (*ref.path, "securityContext")
        name = ref.container.get("name")
        key = APPARMOR_ANNOTATION + name if isinstance(name, str) else None
        found: list[tuple[Path, str]] = []
        # AppArmor: the container's field, else its annotation, else the pod's field.
        own_aa = _field(own_sc, "appArmorProfile")
        if own_aa is not None:
            if _field(own_aa, "type") == "Unconfined":
                found.append(
                    (
                        (*own_sc_path, "appArmorProfile", "type"),
                        f"{ref.label} sets appArmorProfile type Unconfined",
                    )
                )
        elif key is not None and isinstance(annotations.get(key), str):
            if annotations[key].strip().lower() == "unconfined":
                found.append(
                    ((*annotations_path, key), f"{ref.label} is unconfined by the annotation {key}")
                )
        elif _field(_field(pod_sc, "appArmorProfile"), "type") == "Unconfined":
            found.append(
                (
                    (*pod_sc_path, "appArmorProfile", "type"),
                    f"{what} sets a pod-level appArmorProfile type Unconfined",
                )
            )
        # SELinux: the container's seLinuxOptions replace the pod's as a whole.
        own_se = _field(own_sc, "seLinuxOptions")
        se_path = own_sc_path if own_se is not None else pod_sc_path
        selinux = own_se if own_se is not None else _field(pod_sc, "seLinuxOptions")
        se_type = _field(selinux, "type")
        if se_type in UNCONFINED_SELINUX:
            who = ref.label if own_se is not None else f"{what} (pod level)"
            found.append(
                ((*se_path, "seLinuxOptions", "type"), f"{who} sets seLinuxOptions type {se_type}")
            )
        for path, text in found:
            if path in reported:
                continue
            reported.add(path)
            yield ctx.violation(
                path,
                f"{text}: no mandatory access control stands between"
                " it and the node; use the runtime's default profile",
            )
