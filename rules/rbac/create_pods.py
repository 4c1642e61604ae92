"""## What it does
Reports a rule of a Role or ClusterRole that grants `create` (or `*`) on `pods` or on a
workload resource that creates pods: `deployments`, `daemonsets`, `statefulsets`,
`replicasets` (`apps`, and the legacy `extensions` group), `jobs`, `cronjobs` (`batch`)
and `replicationcontrollers` (core), also through `*` in `resources` or `apiGroups`.

A rule with `resourceNames` is not reported: Kubernetes cannot restrict `create` by name,
so such a rule never authorizes a create. Kubernetes' own RBAC objects (`system:` names,
the default ClusterRoles `cluster-admin`, `admin`, `edit`, `view`, objects labelled
`kubernetes.io/bootstrapping: rbac-defaults`) and aggregated ClusterRoles are not
reported.

## Why is this bad?
Whoever may create a pod, directly or through a controller, chooses its image, command,
volumes and `serviceAccountName`. They can run any ServiceAccount of the namespace, read
every Secret and ConfigMap of the namespace by mounting it, and, unless Pod Security
Admission forbids it, mount the node's filesystem or run privileged. The RBAC good
practices list workload creation as an implicit escalation path: grant it to deployment
pipelines and controllers that need it, not to every reader. `update` and `patch` on
these workloads let the holder change the image too; this rule reports `create` only.

## Example
```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: job-runner
  namespace: batch
rules:
  - apiGroups: ["batch"]
    resources: ["jobs"]
    verbs: ["get", "list", "create", "delete"]
```

## Use instead
```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: job-viewer
  namespace: batch
rules:
  - apiGroups: ["batch"]
    resources: ["jobs"]
    verbs: ["get", "list", "watch"]
```

## References
- https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation
- https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
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


#: Pods and the workload resources whose controllers create pods.
WORKLOADS: tuple[tuple[str, str], ...] = (
    ("", "pods"), ("", "replicationcontrollers"),
    ("apps", "deployments"), ("apps", "daemonsets"), ("apps", "statefulsets"),
    ("apps", "replicasets"), ("extensions", "deployments"), ("extensions", "daemonsets"),
    ("extensions", "replicasets"), ("batch", "jobs"), ("batch", "cronjobs"),
)


@rule(id="rbac-create-pods", severity="warning", kinds=("Role", "ClusterRole"),
      summary="an RBAC rule lets its holders create pods or workloads")
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if _bootstrap(obj):
        return
    for index, entry in _policy_rules(obj):
        if _strings(entry.get("resourceNames")):
            continue  # create cannot be restricted by name: this grants no create
        verbs, resources = _grants(entry, ("create",), WORKLOADS)
        if verbs:
            yield ctx.violation(("rules", index),
                                f"{obj.kind} {obj.name or '?'!r} rules[{index}] grants"
                                f" create on {', '.join(resources)}{_via_wildcard(entry)}:"
                                " its holders can run any image as any ServiceAccount of"
                                " the namespace")
