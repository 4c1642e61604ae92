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


@rule(id="rbac-secrets-access", severity="warning", kinds=("Role", "ClusterRole"),
      summary="an RBAC rule lets its holders read Secrets")
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if _bootstrap(obj):
        return
    for index, entry in _policy_rules(obj):
        if _strings(entry.get("resourceNames")):
            continue
        verbs, _ = _grants(entry, ("get", "list", "watch"), (("", "secrets"),))
        if verbs:
            yield ctx.violation(("rules", index),
                                f"{obj.kind} {obj.name or '?'!r} rules[{index}] grants"
                                f" {', '.join(verbs)} on secrets{_via_wildcard(entry)}:"
                                " its holders can read every Secret in scope")
