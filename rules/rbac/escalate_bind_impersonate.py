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

## References
- https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping
- https://kubernetes.io/docs/concepts/security/rbac-good-practices/#escalate-verb
- https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from kubelint.api import Manifest, RuleContext, Violation, rule

#: Kubernetes' own user-facing ClusterRoles, which the API server creates and reconciles.
DEFAULT_CLUSTER_ROLES = frozenset({"cluster-admin", "admin", "edit", "view"})


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _bootstrap(obj: Manifest) -> bool:
    """Kubernetes' own RBAC objects (``system:`` names, the default ClusterRoles, the
    ``kubernetes.io/bootstrapping: rbac-defaults`` label): not the author's choice."""
    name = obj.metadata.get("name")
    if obj.labels.get("kubernetes.io/bootstrapping") == "rbac-defaults":
        return True
    return isinstance(name, str) and (name.startswith("system:") or (
        obj.kind == "ClusterRole" and name in DEFAULT_CLUSTER_ROLES))


def _policy_rules(obj: Manifest) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """The rules of a Role or ClusterRole; none for an aggregated ClusterRole, whose
    rules the aggregation controller overwrites."""
    if obj.kind == "ClusterRole" and isinstance(obj.get(("aggregationRule",)), Mapping):
        return
    rules = obj.get(("rules",))
    if isinstance(rules, list):
        for index, entry in enumerate(rules):
            if isinstance(entry, Mapping):
                yield index, entry


def _resource_matches(rule_resources: list[str], resource: str) -> bool:
    """As the RBAC authorizer matches: ``*``, the exact (sub)resource, or ``*/sub``;
    ``pods/*`` matches nothing."""
    sub = resource.partition("/")[2]
    return any(item in ("*", resource) or (sub and item == f"*/{sub}")
               for item in rule_resources)


def _grants(entry: Mapping[str, Any], verbs: Sequence[str],
            targets: Sequence[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """Which of ``verbs`` on which ``targets`` ((apiGroup, resource) pairs) the rule
    grants; two empty lists when it grants none of them."""
    rule_verbs = _strings(entry.get("verbs"))
    groups = _strings(entry.get("apiGroups"))
    resources = _strings(entry.get("resources"))
    granted_verbs = [verb for verb in verbs if "*" in rule_verbs or verb in rule_verbs]
    granted: list[str] = []
    for group, resource in targets:
        if (("*" in groups or group in groups) and _resource_matches(resources, resource)
                and resource not in granted):
            granted.append(resource)
    if not granted_verbs or not granted:
        return [], []
    return granted_verbs, granted


def _via_wildcard(entry: Mapping[str, Any]) -> str:
    fields = [key for key in ("verbs", "apiGroups", "resources")
              if "*" in _strings(entry.get(key))]
    return f" (through '*' in {', '.join(fields)})" if fields else ""


ROLES = (("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "clusterroles"))
IDENTITIES = (("", "users"), ("", "groups"), ("", "serviceaccounts"),
              ("authentication.k8s.io", "uids"))


@rule(id="rbac-escalate-bind-impersonate", severity="error", kinds=("Role", "ClusterRole"),
      summary="an RBAC rule grants escalate, bind or impersonate")
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if _bootstrap(obj):
        return
    for index, entry in _policy_rules(obj):
        if _strings(entry.get("resourceNames")):
            continue
        grants = []
        verbs, resources = _grants(entry, ("escalate", "bind"), ROLES)
        if verbs:
            grants.append(f"{', '.join(verbs)} on {', '.join(resources)}")
        verbs, resources = _grants(entry, ("impersonate",), IDENTITIES)
        if verbs:
            grants.append(f"impersonate on {', '.join(resources)}")
        if grants:
            yield ctx.violation(("rules", index),
                                f"{obj.kind} {obj.name or '?'!r} rules[{index}] grants"
                                f" {'; '.join(grants)}{_via_wildcard(entry)}: its holders"
                                " can give themselves any permission")
