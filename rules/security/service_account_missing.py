"""## What it does
Reports a pod (or pod template) whose `serviceAccountName` (or deprecated
`serviceAccount`, when `serviceAccountName` is unset) names a ServiceAccount that is not
in the input, while the pod's unit (its chart rendering, kustomize build, or the plain
files of its directory) does hold ServiceAccounts of the pod's namespace.

Namespaces are compared as objects land: without `metadata.namespace`, in the configured
default namespace. The `default` ServiceAccount is never reported: the ServiceAccount
controller creates it in every namespace. When the input holds no ServiceAccount of the
pod's namespace (a single-file lint, or ServiceAccounts managed elsewhere) the rule says
nothing: it cannot tell a missing ServiceAccount from one applied separately.

## Why is this bad?
The ServiceAccount admission controller rejects a pod whose ServiceAccount does not exist
(`error looking up service account <ns>/<name>: serviceaccount "<name>" not found`). For
a Deployment, StatefulSet, DaemonSet or Job the workload object itself is accepted, so
`kubectl apply` succeeds, but its controller cannot create a single pod: the rollout
hangs with a `FailedCreate` event on the ReplicaSet that nobody watches. A typo in the
name, or a ServiceAccount renamed in one file and not the other, is the usual cause.

## Example
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
      serviceAccountName: web-sa
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
      containers:
        - name: web
          image: registry.example.com/web:2.0
```

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
- https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#serviceaccount-admission-controller
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule


@rule(
    id="service-account-missing",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a pod names a ServiceAccount that is not in the input",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if spec_path is None or spec is None:
        return
    field = "serviceAccountName"
    name = spec.get(field)
    if name is None or name == "":
        field = "serviceAccount"
        name = spec.get(field)
    if not isinstance(name, str) or not name or name == "default":
        return
    namespace = ctx.namespace_of(obj) or ctx.index.default_namespace
    if not ctx.index.unit(obj).has_kind("ServiceAccount", namespace):
        return
    if ctx.index.get("ServiceAccount", name, namespace) is not None:
        return
    elsewhere = sorted(
        {
            ctx.index.namespace_of(sa) or ""
            for sa in ctx.index.of_kind("ServiceAccount")
            if sa.metadata.get("name") == name
        }
    )
    hint = ""
    if elsewhere:
        plural = "s" if len(elsewhere) > 1 else ""
        hint = f" (there is one in namespace{plural} {', '.join(map(repr, elsewhere))})"
    yield ctx.violation(
        (*spec_path, field),
        f"{obj.kind} {obj.display_name or '?'!r} {field} {name!r}: no"
        " ServiceAccount"
        f" {name!r} in namespace {namespace!r} in the input, which has other"
        f" ServiceAccounts there{hint}; its pods are rejected until it"
        " exists",
    )
