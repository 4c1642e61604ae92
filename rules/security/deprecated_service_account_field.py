"""## What it does
Reports a pod spec that sets `serviceAccount`, the deprecated alias of
`serviceAccountName` (info: it still works). When both are set and differ it is a
warning, and the message says which one wins: `serviceAccountName` (the API server only
copies `serviceAccount` into `serviceAccountName` when the latter is empty).

## Why is this bad?
The API reference marks `serviceAccount` as "a deprecated alias for
ServiceAccountName"; it is only kept for compatibility. When both fields are set and
differ, a reader (or a tool that reads only the old field) believes the pod runs as one
ServiceAccount while it runs as the other, with other RBAC grants and another token.
When only `serviceAccount` is set, tools and policies that look at `serviceAccountName`
(admission policies, linters, dashboards) see a pod running as `default`. Set
`serviceAccountName` only.

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
      serviceAccount: web
      automountServiceAccountToken: false
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
      serviceAccountName: web
      automountServiceAccountToken: false
      containers:
        - name: web
          image: registry.example.com/web:2.0
```

## References
- https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule


@rule(
    id="deprecated-service-account-field",
    severity="info",
    kinds=POD_SPEC_KINDS,
    summary="a pod spec sets the deprecated serviceAccount field",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if spec_path is None or spec is None:
        return
    old = spec.get("serviceAccount")
    if not isinstance(old, str) or not old:
        return
    new = spec.get("serviceAccountName")
    what = f"{obj.kind} {obj.display_name or '?'!r}"
    if not isinstance(new, str) or not new:
        message = (
            f"{what} sets the deprecated serviceAccount: {old}; write"
            f" serviceAccountName: {old} instead"
        )
    elif new == old:
        message = (
            f"{what} sets the deprecated serviceAccount: {old} besides"
            f" serviceAccountName: {old}; remove serviceAccount"
        )
    else:
        # Two names that disagree are a real risk (which one runs?): a warning.
        yield ctx.violation(
            (*spec_path, "serviceAccount"),
            (
                f"{what} sets the deprecated serviceAccount: {old} and"
                f" serviceAccountName: {new}; serviceAccountName wins, so the pod runs"
                f" as {new!r}, not {old!r}: remove serviceAccount"
            ),
            severity="warning",
        )
        return
    yield ctx.violation((*spec_path, "serviceAccount"), message)
