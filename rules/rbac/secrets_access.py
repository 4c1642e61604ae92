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

## References
- https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets
- https://kubernetes.io/docs/concepts/configuration/secret/#least-privilege-secrets
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import Manifest, RuleContext, Violation, rbac, rule


@rule(id="rbac-secrets-access", severity="warning", kinds=("Role", "ClusterRole"),
      summary="an RBAC rule lets its holders read Secrets")
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if rbac.is_bootstrap(obj):
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
