"""## What it does
Reports a pod (or pod template) that gets a ServiceAccount API token mounted by default,
with nothing to say it needs one: neither the pod nor its ServiceAccount sets
`automountServiceAccountToken`, and no RoleBinding or ClusterRoleBinding in the input
grants its ServiceAccount anything.

Not reported:

- `automountServiceAccountToken: false` on the pod, or on its ServiceAccount when the pod
  leaves it unset (the pod's setting wins, as the ServiceAccount admission controller
  applies them);
- `automountServiceAccountToken: true` on the pod or on the ServiceAccount: an explicit
  decision that the workload calls the API, not an oversight;
- a pod whose ServiceAccount is a subject of a RoleBinding or ClusterRoleBinding in the
  input (kind `ServiceAccount`, or the user `system:serviceaccount:<namespace>:<name>`):
  operators and controllers are granted permissions because they use the token. A
  subject without a namespace in a RoleBinding is in the binding's namespace; when the
  pod's own namespace is not written (it is chosen when the manifests are applied), a
  subject of that name in any namespace counts, unless the name is `default`, which
  every namespace has. Group subjects
  (`system:serviceaccounts`) grant every account alike and do not count.

The ServiceAccount is the one named by `serviceAccountName` (or the deprecated
`serviceAccount`), `default` when neither is set, looked up in the pod's namespace.

## Why is this bad?
Unless told otherwise, every container of the pod gets a projected volume at
`/var/run/secrets/kubernetes.io/serviceaccount` with a bearer token for the pod's
ServiceAccount, the cluster CA and the namespace. Most applications never call the
Kubernetes API, yet anyone who gets code execution in the container (a vulnerable
dependency, a path traversal that reads files) can take that token and act on the API
server with whatever RBAC grants the ServiceAccount, which is often more than intended
(RoleBindings to `default`, aggregated ClusterRoles). The source notes (001, "各个 pod 是
如何访问 kube-api-server 的？") describe how every pod can reach the API server through
the `kubernetes` Service: the token is the only thing that stands between that and the
API. Opt out where the API is not needed and opt in (`true` on the pod or the
ServiceAccount, or a dedicated ServiceAccount with its RoleBinding) for the workloads that
do need it.

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

## Options
- `report-explicit-true` (boolean, default `false`): also report a pod whose token is
  mounted because it (or, when it leaves the field unset, its ServiceAccount) says
  `automountServiceAccountToken: true`, for policies that want every token-mounting pod
  reviewed (Polaris's default).

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
- https://kubernetes.io/docs/concepts/security/service-accounts/
- https://kubernetes.io/docs/concepts/security/rbac-good-practices/
- Source notes 001 (kube-api-server 的端口是多少？各个 pod 是如何访问 kube-api-server 的？)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rbac, rule

AUTOMOUNT = "automountServiceAccountToken"
BINDINGS = ("RoleBinding", "ClusterRoleBinding")


def service_account_name(spec: Mapping[str, Any]) -> str:
    """The ServiceAccount the pod runs as: serviceAccountName, else the deprecated
    serviceAccount, else ``default`` (the API server's conversion and defaulting)."""
    for field in ("serviceAccountName", "serviceAccount"):
        value = spec.get(field)
        if isinstance(value, str) and value:
            return value
    return "default"


def _is_bound(ctx: RuleContext, obj: Manifest, account: str, namespace: str) -> bool:
    """Is the ServiceAccount a subject of a RoleBinding or ClusterRoleBinding of the run?"""

    def subjects() -> tuple[set[tuple[str | None, str]], set[str]]:
        found = {
            subject
            for kind in BINDINGS
            for binding in ctx.index.of_kind(kind)
            for subject in rbac.bound_service_accounts(binding, ctx.index.default_namespace)
        }
        return found, {name for _, name in found}

    # Built once per run (and scope): asked for every pod, it was a scan of every binding.
    bound, names = (
        ctx.run.memo("bound-service-accounts", subjects) if ctx.run is not None else subjects()
    )
    # A pod without a namespace lands where it is applied, so a subject of its account's
    # name anywhere counts; except for "default", which every namespace has.
    loose = obj.namespace is None and account != "default"
    return (namespace, account) in bound or (loose and account in names)


@rule(
    id="service-account-token-automount",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="a pod gets a ServiceAccount API token mounted that nothing says it needs",
    options={
        "report-explicit-true": {
            "type": "boolean",
            "default": False,
            "description": "also report a token mounted because the pod or its ServiceAccount"
            " says automountServiceAccountToken: true",
        }
    },
    controls=("cis:5.1.6", "nsa:protecting-pod-service-account-tokens"),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if spec_path is None or spec is None:
        return
    account = service_account_name(spec)
    namespace = ctx.namespace_of(obj) or ctx.index.default_namespace
    sa = ctx.index.get("ServiceAccount", account, namespace)
    own = spec.get(AUTOMOUNT)
    inherited = sa.data.get(AUTOMOUNT) if sa is not None else None
    if own is True or (own is None and inherited is True):
        if ctx.options.get("report-explicit-true") is True:
            where = "the pod" if own is True else f"ServiceAccount {account!r}"
            yield ctx.violation(
                (*spec_path, AUTOMOUNT),
                f"{obj.kind} {obj.display_name or '?'!r} mounts its"
                " ServiceAccount's"
                f" API token in every container ({AUTOMOUNT}: true on {where})",
            )
        return
    if own is not None or inherited is not None:
        return  # an explicit decision (or malformed: schema validation reports it)
    if _is_bound(ctx, obj, account, namespace):
        return  # granted permissions in the input: the workload uses its token
    if account == "default" and sa is None:
        who = "it runs as the namespace's default ServiceAccount"
    elif sa is None:
        who = f"ServiceAccount {account!r} is not in the input"
    else:
        who = f"ServiceAccount {account!r} does not set it either"
    yield ctx.violation(
        (*spec_path, AUTOMOUNT),
        f"{obj.kind} {obj.display_name or '?'!r} does not set {AUTOMOUNT} and"
        f" {who};"
        " no RoleBinding or ClusterRoleBinding in the input grants it"
        f" anything, yet every container gets its API token; set {AUTOMOUNT}:"
        " false (or true, if the pod calls the Kubernetes API)",
    )
