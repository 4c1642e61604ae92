"""## What it does
Reports a rule of a Role or ClusterRole that grants a privilege-escalation verb:

- `escalate` or `bind` on `roles` or `clusterroles` (`rbac.authorization.k8s.io`);
- `impersonate` on `users`, `groups` or `serviceaccounts` (core group), or on `uids`
  (`authentication.k8s.io`);

also through `*` in `verbs`, `resources` or `apiGroups`. The message names the verbs and
resources.

A rule limited by `resourceNames` (bind only the role `view`, impersonate only the user
`ci-bot`) is not reported: that is how the RBAC documentation grants these verbs safely.
Kubernetes' own RBAC objects (`system:` names, the default ClusterRoles `cluster-admin`,
`admin`, `edit`, `view`, objects labelled `kubernetes.io/bootstrapping: rbac-defaults`)
and aggregated ClusterRoles are not reported.

## Why is this bad?
The API server refuses to let anyone create or update a role with permissions they do not
hold, or bind a role they do not hold, unless they have `escalate` (roles) or `bind`
(bindings). These verbs switch that protection off: with `bind` on `clusterroles` the
holder binds `cluster-admin` to themselves; with `escalate` they add `*` to a role they
are bound to. `impersonate` lets the holder send requests as another user, group or
ServiceAccount (`kubectl --as=system:admin --as-group=system:masters`), with all of its
permissions. Each of these is a direct path to cluster administrator.

## Example
```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: team-lead
rules:
  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["clusterroles", "clusterrolebindings"]
    verbs: ["get", "list", "create", "bind", "escalate"]
```

## Use instead
```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: team-lead
rules:
  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["rolebindings"]
    verbs: ["get", "list", "create"]
  - apiGroups: ["rbac.authorization.k8s.io"]
    resources: ["clusterroles"]
    resourceNames: ["view"]
    verbs: ["bind"]
```

## Options
- `exempt-names` (list of patterns, default `[]`): names of Roles and ClusterRoles to
  leave alone, as shell-style patterns (`*`, `?`, `[...]`) matched against the whole
  `metadata.name`: roles your platform provider creates and manages, such as GKE's
  `gce:*` roles in a dump of a cluster. Nothing is exempt by default beyond Kubernetes'
  own policy: a role you write grants what it grants whatever its name.

## References
- https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping
- https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb
- https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import Control, Manifest, RuleContext, Violation, rule

from ._grants import Grant, exempt_names_option, report_grants

ROLES = (("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "clusterroles"))
IDENTITIES = (
    ("", "users"),
    ("", "groups"),
    ("", "serviceaccounts"),
    ("authentication.k8s.io", "uids"),
)

ESCALATION = Grant(
    rows=((("escalate", "bind"), ROLES), (("impersonate",), IDENTITIES)),
    consequence="can give themselves any permission",
)


@rule(
    id="rbac-escalate-bind-impersonate",
    severity="error",
    kinds=("Role", "ClusterRole"),
    summary="an RBAC rule grants escalate, bind or impersonate",
    options=exempt_names_option("Role and ClusterRole names", "roles"),
    controls=(
        "cis:5.1.8",
        Control(
            "nsa:role-based-access-control", partial="grants of escalate, bind and impersonate"
        ),
    ),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    # Roles only, and no report-on option: report_grants reports the roles' rules.
    yield from report_grants(obj, ctx, ESCALATION)
