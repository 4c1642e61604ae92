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

## References
- https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets
- https://kubernetes.io/docs/concepts/configuration/secret/#least-privilege-secrets
"""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase

from kubelint.api import Manifest, RuleContext, Violation, rbac, rule


def _exempt(obj: Manifest, ctx: RuleContext) -> bool:
    """Is the object's name one of the ``exempt-names`` patterns?"""
    patterns = ctx.options.get("exempt-names")
    name = obj.metadata.get("name")
    return (isinstance(name, str) and isinstance(patterns, list)
            and any(isinstance(p, str) and fnmatchcase(name, p) for p in patterns))


@rule(id="rbac-secrets-access", severity="warning", kinds=("Role", "ClusterRole"),
      summary="an RBAC rule lets its holders read Secrets",
      options={"exempt-names": {
          "type": "array", "items": {"type": "string"}, "default": [],
          "description": "shell-style patterns of Role and ClusterRole names to leave alone"
                         " (roles a platform provider manages)"}})
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if rbac.is_bootstrap(obj) or _exempt(obj, ctx):
        return
    for index, entry in rbac.policy_rules(obj):
        if rbac.strings(entry.get("resourceNames")):
            continue
        verbs, _ = rbac.grants(entry, ("get", "list", "watch"), (("", "secrets"),))
        if verbs:
            yield ctx.violation(("rules", index),
                                f"{obj.kind} {obj.name or '?'!r} rules[{index}] grants"
                                f" {', '.join(verbs)} on secrets{rbac.via_wildcard(entry)}:"
                                " its holders can read every Secret in scope")
