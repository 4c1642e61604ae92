"""## What it does
Reports a container or init container without an effective seccomp profile of type
`RuntimeDefault` or `Localhost`:

- no `seccompProfile` in the container's `securityContext` nor in the pod's (which every
  container inherits), nor the deprecated pod annotations
  `seccomp.security.alpha.kubernetes.io/pod` or
  `container.seccomp.security.alpha.kubernetes.io/<name>` (warning). When no container of
  the pod has one, the rule reports the pod once and suggests setting it at pod level;
- an effective profile of type `Unconfined`, or an annotation `unconfined` (error);
- a `seccompProfile` without a valid `type` (warning: the API rejects it).

The container's own profile wins over the pod's, and the fields over the annotations, as
in the kubelet. Windows pods (`spec.os.name: windows`, HostProcess pods) are skipped:
seccomp is Linux-only.

## Why is this bad?
Without a profile most container runtimes run the container `Unconfined` (the kubelet's
`SeccompDefault` setting is off unless the cluster administrator turned it on): every
system call of the kernel is available to it, including the rarely needed ones that most
container-escape exploits use (`unshare`, `keyctl`, `ptrace`, `bpf`, mount calls). The
runtime's default profile blocks those while letting ordinary applications run unchanged.
The Pod Security Standards *restricted* level requires `RuntimeDefault` or `Localhost`, and
*baseline* forbids `Unconfined`.

The annotations have been deprecated since Kubernetes 1.19; the API server still copies
them to the fields when a pod is created, so they are accepted here, but move to the field.

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
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: web
          image: registry.example.com/web:2.0
```

## References
- https://kubernetes.io/docs/tutorials/security/seccomp/
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
- https://kubernetes.io/docs/reference/labels-annotations-taints/#seccomp-security-alpha-kubernetes-io-pod
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import (
    POD_SPEC_KINDS,
    Manifest,
    Path,
    RuleContext,
    Violation,
    is_windows_pod,
    rule,
)

POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"
CONFINED = ("RuntimeDefault", "Localhost")


def _annotations_path(spec_path: Path) -> Path:
    """Where the pods' annotations are: the template's, or the Pod's own."""
    if len(spec_path) > 1:
        return (*spec_path[:-1], "metadata", "annotations")
    return ("metadata", "annotations")


def _judge_field(profile: Any) -> tuple[str, str] | None:
    """(severity, problem) for a seccompProfile value, None when it confines."""
    kind = profile.get("type") if isinstance(profile, Mapping) else None
    if kind in CONFINED:
        return None
    if kind == "Unconfined":
        return ("error", "seccompProfile type Unconfined: every system call is allowed")
    shown = f"type {kind!r}" if kind is not None else "no type"
    return ("warning", f"seccompProfile with {shown}; set type RuntimeDefault or Localhost")


@rule(
    id="seccomp-profile-missing",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a container runs without a seccomp profile",
    controls=("pss:baseline/seccomp", "pss:restricted/seccomp", "cis:5.7.2"),
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
    pod_profile = pod_sc.get("seccompProfile") if isinstance(pod_sc, Mapping) else None
    pod_path = (*spec_path, "securityContext", "seccompProfile")
    what = f"{obj.kind} {obj.display_name or '?'!r}"
    reported: set[Path] = set()
    missing = []
    refs = list(obj.containers(include_init=True))
    for ref in refs:
        own_sc = ref.container.get("securityContext")
        own = own_sc.get("seccompProfile") if isinstance(own_sc, Mapping) else None
        name = ref.container.get("name")
        key = CONTAINER_ANNOTATION + name if isinstance(name, str) else None
        if own is not None:
            path: Path = (*ref.path, "securityContext", "seccompProfile")
            problem = _judge_field(own)
            where = f"{ref.label} has a "
        elif key is not None and isinstance(annotations.get(key), str):
            path = (*annotations_path, key)
            problem = (
                ("error", f"annotation {key}: unconfined")
                if annotations[key].strip().lower() == "unconfined"
                else None
            )
            where = f"{ref.label} has the "
        elif pod_profile is not None:
            path = pod_path
            problem = _judge_field(pod_profile)
            where = f"{what} has a pod-level "
        elif isinstance(annotations.get(POD_ANNOTATION), str):
            path = (*annotations_path, POD_ANNOTATION)
            problem = (
                ("error", f"annotation {POD_ANNOTATION}: unconfined")
                if annotations[POD_ANNOTATION].strip().lower() == "unconfined"
                else None
            )
            where = f"{what} has the "
        else:
            missing.append(ref)
            continue
        if problem is not None and path not in reported:
            reported.add(path)
            severity, text = problem
            yield ctx.violation(path, where + text, severity=severity)
    if not missing:
        return
    if len(missing) == len(refs):
        yield ctx.violation(
            pod_path,
            f"{what} sets no seccompProfile, so its containers run"
            " Unconfined unless the nodes enable SeccompDefault;"
            " set securityContext.seccompProfile.type:"
            " RuntimeDefault at pod level",
        )
        return
    for ref in missing:
        yield ctx.violation(
            (*ref.path, "securityContext", "seccompProfile"),
            f"{ref.label} has no seccompProfile (nor does the pod), so it"
            " runs Unconfined unless the nodes enable SeccompDefault;"
            " set seccompProfile.type: RuntimeDefault",
        )
