"""What the rbac rules share: the ``exempt-names`` and ``report-on`` options, and one
check, "a role grants VERBS on RESOURCES", that each grant rule drives with its own
parameters (a ``Grant``: kube-linter's split of a check template and its params).

How the API server's authorizer matches a rule lives in ``kubelint.rbac``; this module
decides what the rules report and how their messages read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from kubelint.api import Manifest, RuleContext, Violation, rbac

#: (verbs, (apiGroup, resource) pairs): one row of what a rule looks for.
Row = tuple[tuple[str, ...], tuple[tuple[str, str], ...]]


def exempt_names_option(names: str, objects: str) -> dict[str, Any]:
    """The ``exempt-names`` option of a rule about ``names`` (its description reads
    "shell-style patterns of <names> to leave alone (<objects> a platform provider
    manages)")."""
    return {
        "exempt-names": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": f"shell-style patterns of {names} to leave alone ({objects} a"
            " platform provider manages)",
        }
    }


def report_on_option(what: str) -> dict[str, Any]:
    """The ``report-on`` option: the roles that grant ``what``, or the bindings."""
    return {
        "report-on": {
            "type": "string",
            "enum": ["roles", "bindings"],
            "default": "roles",
            "description": f"report the roles that grant {what} (roles), or the bindings that"
            " hand it to subjects (bindings)",
        }
    }


#: The options of a rule that reports grants on roles or on bindings.
GRANT_OPTIONS: dict[str, Any] = {
    **exempt_names_option("Role, ClusterRole and binding names", "objects"),
    **report_on_option("it"),
}


def exempt(obj: Manifest, ctx: RuleContext) -> bool:
    """Is the object's name one of the shell-style patterns of the rule's
    ``exempt-names`` option?"""
    name = obj.metadata.get("name")
    patterns = ctx.options.get("exempt-names")
    return (
        isinstance(name, str)
        and isinstance(patterns, list)
        and any(isinstance(p, str) and fnmatchcase(name, p) for p in patterns)
    )


@dataclass(frozen=True)
class Grant:
    """The parameters of one grant rule: what it looks for and how its findings read."""

    #: What counts as the grant; a policy rule matching any row grants it.
    rows: tuple[Row, ...]
    #: What its holders can do, for the message: "its holders <consequence>".
    consequence: str
    #: Does a policy rule limited by ``resourceNames`` still grant it? (``create`` cannot
    #: be limited by name, and named Secrets are the least-privilege form, so not there.)
    with_resource_names: bool = False
    #: Kubernetes' default ClusterRoles that grant it, for bindings of roles the input
    #: does not hold, and how such a grant reads.
    default_roles: frozenset[str] = frozenset()
    default_grant: str = ""


def granted(entry: Mapping[str, Any], grant: Grant) -> str:
    """What one policy rule grants of ``grant`` ("get, list on secrets; impersonate on
    users"), or "" when it grants none of it."""
    if not grant.with_resource_names and rbac.strings(entry.get("resourceNames")):
        return ""
    found = []
    for verbs, targets in grant.rows:
        verbs_granted, resources = rbac.grants(entry, verbs, targets)
        if verbs_granted:
            found.append(f"{', '.join(verbs_granted)} on {', '.join(resources)}")
    return "; ".join(found)


def _via_wildcard(entry: Mapping[str, Any]) -> str:
    fields = [
        key for key in ("verbs", "apiGroups", "resources") if "*" in rbac.strings(entry.get(key))
    ]
    return f" (through '*' in {', '.join(fields)})" if fields else ""


def role_grants(role: Manifest, grant: Grant) -> Iterator[tuple[int, str]]:
    """(rule index, what it grants, and through which wildcards) of each rule of a Role
    or ClusterRole that grants ``grant``."""
    for index, entry in rbac.policy_rules(role):
        text = granted(entry, grant)
        if text:
            yield index, f"{text}{_via_wildcard(entry)}"


def role_violations(obj: Manifest, ctx: RuleContext, grant: Grant) -> Iterator[Violation]:
    """A finding at each rule of a Role or ClusterRole that grants ``grant``."""
    for index, text in role_grants(obj, grant):
        yield ctx.violation(
            ("rules", index),
            f"{obj.kind} {obj.display_name or '?'!r}"
            f" rules[{index}] grants {text}: its holders"
            f" {grant.consequence}",
        )


def report_grants(obj: Manifest, ctx: RuleContext, grant: Grant) -> Iterator[Violation]:
    """The findings of a grant rule with the ``exempt-names`` and ``report-on`` options
    (``roles``: each rule of a role that grants it; ``bindings``: each binding whose role,
    of the input or a default ClusterRole, grants it, naming its subjects)."""
    on_bindings = ctx.options.get("report-on") == "bindings"
    if rbac.is_bootstrap(obj) or exempt(obj, ctx):
        return
    if obj.kind not in ("RoleBinding", "ClusterRoleBinding"):
        if not on_bindings:
            yield from role_violations(obj, ctx, grant)
        return
    if not on_bindings:
        return
    namespace = ctx.namespace_of(obj)
    bound = rbac.bound_role(obj, ctx.index, namespace)
    if bound is None:
        return
    kind, name, role = bound
    if role is None:
        text = grant.default_grant if kind == "ClusterRole" and name in grant.default_roles else ""
    else:
        text = next((f"{text} (rules[{index}])" for index, text in role_grants(role, grant)), "")
    if text:
        yield ctx.violation(
            ("roleRef", "name"),
            f"{obj.kind} {obj.display_name or '?'!r} binds {kind} {name!r},"
            f" which grants {text}, to {rbac.subjects(obj, namespace)}: they"
            f" {grant.consequence}",
        )
