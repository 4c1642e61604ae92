"""## What it does
Reports a container or init container whose `securityContext.readOnlyRootFilesystem` is
not `true` (unset or `false`).

## Why is this bad?
A writable root filesystem lets an attacker who gets code execution drop tools, replace
binaries and persist in the container, and lets the application silently write state to a
layer that vanishes on restart and counts against the node's ephemeral storage. With a
read-only root the places the application may write are explicit: mount an `emptyDir`
(optionally `medium: Memory`) at `/tmp` or the cache directory, and a volume for data.

`readOnlyRootFilesystem` is a container-only field (a pod-level key of that name is not part
of the API and does nothing). Windows pods are skipped: the API rejects the field there.

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
          image: registry.example.com/web:2.1
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
      containers:
        - name: web
          image: registry.example.com/web:2.1
          securityContext:
            readOnlyRootFilesystem: true
          volumeMounts:
            - {name: tmp, mountPath: /tmp}
      volumes:
        - name: tmp
          emptyDir: {}
```

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
- https://kubernetes.io/docs/concepts/storage/volumes/#emptydir
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
    id="readonly-root-fs",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a container can write to its root filesystem",
    controls=("nsa:immutable-container-file-systems",),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.pod_spec()
    if spec is None or is_windows_pod(spec):
        return
    for ref in obj.containers(include_init=True):
        sc = as_mapping(ref.container.get("securityContext"))
        if sc is None:
            continue  # malformed: schema validation reports it
        value = sc.get("readOnlyRootFilesystem")
        if value is not None and value is not False:
            continue  # true, or malformed (schema validation reports it)
        state = "readOnlyRootFilesystem: false" if value is False else "no readOnlyRootFilesystem"
        yield ctx.violation(
            (*ref.path, "securityContext", "readOnlyRootFilesystem"),
            f"{ref.label} has {state}: its root filesystem is writable;"
            " set it to true and mount an emptyDir where it must write",
        )
