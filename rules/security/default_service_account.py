"""## What it does
Reports a pod (or pod template) that runs as the namespace's `default` ServiceAccount:
neither `serviceAccountName` nor the deprecated `serviceAccount` is set, or the one that
decides names `default` (`serviceAccountName` wins when both are set). Off by default.

## Why is this bad?
Every namespace gets a ServiceAccount named `default`, and every pod that names no other
runs as it. Its permissions are therefore shared by everything in the namespace: a
RoleBinding added to `default` for one workload (a common shortcut) grants the same API
access to every other pod there, and audit logs cannot tell the workloads apart. A
dedicated ServiceAccount per workload keeps RBAC grants, image pull secrets and cloud
workload identity (IRSA, GKE Workload Identity) scoped to the workload that needs them.
This is a hygiene rule, hence off by default and `info`: a pod that never calls the API
and has `automountServiceAccountToken: false` gains little from its own ServiceAccount.

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
      automountServiceAccountToken: false
      containers:
        - name: web
          image: registry.example.com/web:2.0
```

## Use instead
```yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
automountServiceAccountToken: false
---
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
- https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts
- https://kubernetes.io/docs/concepts/security/rbac-good-practices/
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Control, Manifest, RuleContext, Violation, rule


@rule(
    id="default-service-account",
    severity="info",
    kinds=POD_SPEC_KINDS,
    enabled=False,
    summary="a pod runs as the namespace's default ServiceAccount",
    controls=(
        Control(
            "cis:5.1.5",
            partial="pods that run as the default ServiceAccount are reported; whether it"
            " sets automountServiceAccountToken: false is not checked",
        ),
    ),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if spec_path is None or spec is None:
        return
    what = f"{obj.kind} {obj.display_name or '?'!r}"
    for field in ("serviceAccountName", "serviceAccount"):
        value = spec.get(field)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            return  # malformed: schema validation reports it
        if value == "default":
            yield ctx.violation(
                (*spec_path, field),
                f"{what} sets {field}: default: it shares the namespace's"
                " default ServiceAccount (and its RBAC) with every other"
                " pod; give it a ServiceAccount of its own",
            )
        return
    yield ctx.violation(
        (*spec_path, "serviceAccountName"),
        f"{what} sets no serviceAccountName, so it runs as the namespace's"
        " default ServiceAccount (shared, with its RBAC, by every pod that"
        " names none); give it a ServiceAccount of its own",
    )
