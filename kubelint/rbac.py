"""Matching RBAC rules the way the API server's authorizer does, and reading bindings'
roleRefs and subjects: for the rbac rules (whose shared checks are in
``rules/rbac/_grants.py``) and the rules about ServiceAccounts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from kubelint.model import Manifest

#: Kubernetes' own user-facing ClusterRoles, which the API server creates and reconciles.
DEFAULT_CLUSTER_ROLES = frozenset({"cluster-admin", "admin", "edit", "view"})


def strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def is_bootstrap(obj: Manifest) -> bool:
    """Kubernetes' own RBAC objects (``system:`` names, the default ClusterRoles, the
    ``kubernetes.io/bootstrapping: rbac-defaults`` label): not the author's choice."""
    name = obj.metadata.get("name")
    if obj.labels.get("kubernetes.io/bootstrapping") == "rbac-defaults":
        return True
    return isinstance(name, str) and (
        name.startswith("system:") or (obj.kind == "ClusterRole" and name in DEFAULT_CLUSTER_ROLES)
    )


def policy_rules(obj: Manifest) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """The rules of a Role or ClusterRole; none for an aggregated ClusterRole, whose
    rules the aggregation controller overwrites."""
    if obj.kind == "ClusterRole" and isinstance(obj.get(("aggregationRule",)), Mapping):
        return
    rules = obj.get(("rules",))
    if isinstance(rules, list):
        for index, entry in enumerate(rules):
            if isinstance(entry, Mapping):
                yield index, entry


def resource_matches(rule_resources: list[str], resource: str) -> bool:
    """As the RBAC authorizer matches: ``*``, the exact (sub)resource, or ``*/sub``;
    ``pods/*`` matches nothing."""
    sub = resource.partition("/")[2]
    return any(item in ("*", resource) or (sub and item == f"*/{sub}") for item in rule_resources)


def grants(
    entry: Mapping[str, Any], verbs: Sequence[str], targets: Sequence[tuple[str, str]]
) -> tuple[list[str], list[str]]:
    """Which of ``verbs`` on which ``targets`` ((apiGroup, resource) pairs) the rule
    grants; two empty lists when it grants none of them."""
    rule_verbs = strings(entry.get("verbs"))
    groups = strings(entry.get("apiGroups"))
    resources = strings(entry.get("resources"))
    granted_verbs = [verb for verb in verbs if "*" in rule_verbs or verb in rule_verbs]
    granted: list[str] = []
    for group, resource in targets:
        if (
            ("*" in groups or group in groups)
            and resource_matches(resources, resource)
            and resource not in granted
        ):
            granted.append(resource)
    if not granted_verbs or not granted:
        return [], []
    return granted_verbs, granted


def subject_list(binding: Manifest, namespace: str | None) -> list[tuple[str, str]]:
    """(kind, shown name) of each subject of a binding; ServiceAccounts as
    namespace/name (the binding's namespace when the subject names none)."""
    found = binding.get(("subjects",))
    shown = []
    for subject in found if isinstance(found, list) else ():
        if not isinstance(subject, Mapping):
            continue
        kind, name = subject.get("kind"), subject.get("name")
        if not isinstance(kind, str) or not isinstance(name, str):
            continue
        if kind == "ServiceAccount":
            where = subject.get("namespace")
            if not isinstance(where, str) or not where:
                where = namespace or "?"
            name = f"{where}/{name}"
        shown.append((kind, name))
    return shown


def subjects(binding: Manifest, namespace: str | None) -> str:
    """``ServiceAccount 'ns/name', User 'jane'`` for a binding's subjects."""
    return (
        ", ".join(f"{kind} {name!r}" for kind, name in subject_list(binding, namespace))
        or "no subjects"
    )


def bound_role(
    binding: Manifest, index: Any, namespace: str | None
) -> tuple[str, str, Manifest | None] | None:
    """(roleRef kind, name, the role of the input or None) of a RoleBinding or
    ClusterRoleBinding; None when the roleRef is malformed or cannot resolve (a
    ClusterRoleBinding to a Role)."""
    ref = binding.get(("roleRef",))
    if not isinstance(ref, Mapping):
        return None
    kind, name = ref.get("kind"), ref.get("name")
    if not isinstance(name, str) or not name:
        return None
    if kind == "ClusterRole":
        return kind, name, index.get("ClusterRole", name)
    if kind == "Role" and binding.kind == "RoleBinding":
        return kind, name, index.get("Role", name, namespace)
    return None


def bound_service_accounts(
    binding: Manifest, default_namespace: str
) -> Iterator[tuple[str | None, str]]:
    """(namespace, name) of each ServiceAccount the RoleBinding or ClusterRoleBinding
    names as a subject (kind ServiceAccount, or the user
    ``system:serviceaccount:<namespace>:<account>``); namespace None for a
    ClusterRoleBinding's ServiceAccount subject that names none.

    A ServiceAccount subject of a RoleBinding without a namespace is in the binding's
    (as the authorizer reads it). Group subjects (``system:serviceaccounts``) are not
    given: they grant every account alike and say nothing about one."""
    subjects = binding.get(("subjects",))
    own = binding.namespace or default_namespace
    for subject in subjects if isinstance(subjects, list) else ():
        if not isinstance(subject, Mapping):
            continue
        kind, name = subject.get("kind"), subject.get("name")
        if kind == "ServiceAccount" and isinstance(name, str):
            where = subject.get("namespace")
            if not isinstance(where, str) or not where:
                where = own if binding.kind == "RoleBinding" else None
            yield where, name
        elif kind == "User" and isinstance(name, str):
            prefix, _, rest = name.partition("system:serviceaccount:")
            user_namespace, _, user_account = rest.partition(":")
            if not prefix and rest and user_account:
                yield user_namespace, user_account
