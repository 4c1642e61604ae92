"""## What it does
Reports a rule of a Role or ClusterRole that has `*` in its `verbs`, `resources` or
`apiGroups`, naming the fields and the values written.

Kubernetes' own RBAC objects are not reported: names with the `system:` prefix, the
default ClusterRoles `cluster-admin`, `admin`, `edit` and `view`, and objects labelled
`kubernetes.io/bootstrapping: rbac-defaults` (the API server creates and reconciles them;
they show up in cluster dumps). Aggregated ClusterRoles (with an `aggregationRule`) are
not reported either: the controller overwrites their `rules`.

## Why is this bad?
RBAC only adds permissions, and `*` adds them for everything, including what does not exist
yet: `resources: ["*"]` covers `secrets`, `pods/exec` and every custom resource installed
later; `verbs: ["*"]` covers `escalate`, `bind`, `impersonate` and `deletecollection`;
`apiGroups: ["*"]` covers every API group an operator adds. A role written with
wildcards grants far more than its author reviewed, and the grant widens silently as the
cluster changes. The RBAC good practices ask for explicit verbs, resources and groups.

## Example
```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: deployer
  namespace: shop
rules:
  - apiGroups: ["apps"]
    resources: ["*"]
    verbs: ["*"]
```

## Use instead
```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: deployer
  namespace: shop
rules:
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["get", "list", "watch", "update", "patch"]
```

## Options
- `exempt-names` (list of patterns, default `[]`): names of Roles and ClusterRoles to
  leave alone, as shell-style patterns (`*`, `?`, `[...]`) matched against the whole
  `metadata.name`: roles your platform provider creates and manages, such as GKE's
  `gce:*` roles in a dump of a cluster. Nothing is exempt by default beyond Kubernetes'
  own policy: a role you write grants what it grants whatever its name.

## References
- https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
- https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import Control, Manifest, RuleContext, Violation, rbac, rule

from ._grants import exempt, exempt_names_option


@rule(
    id="rbac-wildcard",
    severity="warning",
    kinds=("Role", "ClusterRole"),
    summary="an RBAC rule grants '*' verbs, resources or API groups",
    options=exempt_names_option("Role and ClusterRole names", "roles"),
    controls=(
        "cis:5.1.3",
        Control("nsa:role-based-access-control", partial="wildcard grants"),
    ),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if rbac.is_bootstrap(obj) or exempt(obj, ctx):
        return
    for index, entry in rbac.policy_rules(obj):
        fields = [
            f"{key} {rbac.strings(entry.get(key))}"
            for key in ("verbs", "resources", "apiGroups")
            if "*" in rbac.strings(entry.get(key))
        ]
        if fields:
            yield ctx.violation(
                ("rules", index),
                f"{obj.kind} {obj.display_name or '?'!r} rules[{index}] uses '*' in"
                f" {'; '.join(fields)}: name the verbs, resources and API"
                " groups it needs",
            )
