"""## What it does
Reports a rule of a Role or ClusterRole that grants `get`, `list` or `watch` on `secrets`
in the core API group, also through `*` in `verbs`, `resources` or `apiGroups`. The
message names the verbs granted.

A rule limited by `resourceNames` to named Secrets is not reported: that is the
least-privilege form of Secret access. Kubernetes' own RBAC objects (`system:` names,
the default ClusterRoles `cluster-admin`, `admin`, `edit`, `view`, objects labelled
`kubernetes.io/bootstrapping: rbac-defaults`) and aggregated ClusterRoles (whose `rules`
the controller overwrites) are not reported.

## Why is this bad?
Reading a Secret reveals its data: database passwords, TLS keys, cloud credentials and
ServiceAccount tokens, and a token of a more privileged ServiceAccount is a way to
escalate. `list` and `watch` return the full contents of every Secret of the namespace
(of the cluster for a ClusterRoleBinding), not only their names, so they are as
sensitive as `get`. The RBAC good practices ask to restrict them to the workloads that
need them.

## Example
```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app-reader
  namespace: shop
rules:
  - apiGroups: [""]
    resources: ["configmaps", "secrets"]
    verbs: ["get", "list", "watch"]
```

## Use instead
```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: app-reader
  namespace: shop
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["get", "list", "watch"]
  - apiGroups: [""]
    resources: ["secrets"]
    resourceNames: ["app-db-credentials"]
    verbs: ["get"]
```

## Options
- `exempt-names` (list of patterns, default `[]`): names of Roles and ClusterRoles to
  leave alone, as shell-style patterns (`*`, `?`, `[...]`) matched against the whole
  `metadata.name`: roles your platform provider creates and manages, such as GKE's
  `gce:*` roles in a dump of a cluster. Nothing is exempt by default beyond Kubernetes'
  own policy: a role you write grants what it grants whatever its name.
- `report-on` (`roles` or `bindings`, default `roles`): where the findings go. `roles`
  reports each rule of a Role or ClusterRole that grants reading Secrets; `bindings` reports
  instead each RoleBinding or ClusterRoleBinding (at `roleRef.name`, naming its subjects)
  whose role of the input grants it, or that binds the default ClusterRoles `admin` or
  `edit`, for repositories where shared roles are fine and who gets them is the question
  (kube-linter's default). A role that no binding of the input uses is then not reported.

## References
- https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets
- https://kubernetes.io/docs/concepts/configuration/secret/#least-privilege-secrets
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import Control, Manifest, RuleContext, Violation, rule

from ._grants import GRANT_OPTIONS, Grant, report_grants

SECRETS = Grant(
    rows=((("get", "list", "watch"), (("", "secrets"),)),),
    consequence="can read every Secret in scope",
    # Default ClusterRoles that grant reading Secrets (Kubernetes' RBAC policy).
    default_roles=frozenset({"admin", "edit"}),
    default_grant="get, list, watch on secrets (a default ClusterRole)",
)


@rule(
    id="rbac-secrets-access",
    severity="warning",
    kinds=("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"),
    summary="an RBAC rule lets its holders read Secrets",
    options=GRANT_OPTIONS,
    controls=(
        "cis:5.1.2",
        Control("nsa:role-based-access-control", partial="grants that read Secrets"),
    ),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    yield from report_grants(obj, ctx, SECRETS)
