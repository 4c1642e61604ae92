"""## What it does
Reports a ClusterRoleBinding or RoleBinding that grants cluster-administrator power:

- its `roleRef` is the ClusterRole `cluster-admin` (whether or not the input defines it:
  the API server restores the default `cluster-admin` on start);
- or its `roleRef` names a Role or ClusterRole of the input (a Role in the binding's
  namespace) with a rule that has `*` in `apiGroups` and in `resources`, and `*` in
  `verbs` or every one of `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`.

The finding is at `roleRef.name` and names the subjects. A RoleBinding is reported too:
it gives full control of its namespace, Secrets and RBAC included.

Not reported: bindings of Kubernetes' own policy (names with the `system:` prefix,
objects labelled `kubernetes.io/bootstrapping: rbac-defaults`), and bindings whose only
subject is the group `system:masters` (the default `cluster-admin` binding; members of
that group bypass authorization anyway). ServiceAccounts of `kube-system` and other
`system:` groups are **not** exempt: binding `cluster-admin` to `kube-system:default`,
to an add-on's ServiceAccount or to `system:serviceaccounts` is the classic mistake this
rule is for. Aggregated ClusterRoles of the input, whose rules the controller fills in,
are not treated as wildcards. Bindings named by the `exempt-names` option are not
reported either.

## Why is this bad?
`cluster-admin` allows every verb on every resource: its subjects read every Secret,
change any RBAC object, run privileged pods on any node, and delete the cluster's
workloads. A ServiceAccount bound to it hands all of that to anyone who can exec into,
or compromise, one of its pods. The RBAC good practices ask not to use `cluster-admin`
outside break-glass access: write a role with the verbs and resources needed.

## Example
```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ci-deployer
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: ServiceAccount
    name: deployer
    namespace: ci
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
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ci-deployer
  namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: deployer
subjects:
  - kind: ServiceAccount
    name: deployer
    namespace: ci
```

## Options
- `exempt-names` (list of patterns, default `[]`): names of bindings to leave alone, as
  shell-style patterns (`*`, `?`, `[...]`) matched against the whole `metadata.name`:
  bindings your platform provider creates and manages, such as GKE's `gce:*` objects in a
  dump of a cluster. Nothing is exempt by default: a binding you write is dangerous
  whatever its name.

## References
- https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege
- https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
- https://kubernetes.io/docs/reference/access-authn-authz/rbac/#core-component-roles
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import Control, Manifest, RuleContext, Violation, rbac, rule

from ._grants import exempt, exempt_names_option

#: Every verb a rule must name (besides '*') to be read as full control.
ALL_VERBS = frozenset({"get", "list", "watch", "create", "update", "patch", "delete"})


def _full_control_rule(role: Manifest) -> int | None:
    """The index of the first rule granting every verb on every resource of every group."""
    for index, entry in rbac.policy_rules(role):
        verbs = set(rbac.strings(entry.get("verbs")))
        if (
            "*" in rbac.strings(entry.get("apiGroups"))
            and "*" in rbac.strings(entry.get("resources"))
            and ("*" in verbs or verbs >= ALL_VERBS)
        ):
            return index
    return None


@rule(
    id="rbac-cluster-admin-binding",
    severity="error",
    kinds=("RoleBinding", "ClusterRoleBinding"),
    summary="a binding grants cluster-admin or an equivalent all-wildcard role",
    options=exempt_names_option("binding names", "bindings"),
    controls=(
        "cis:5.1.1",
        Control("nsa:role-based-access-control", partial="bindings that grant cluster-admin power"),
    ),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if rbac.is_bootstrap(obj) or exempt(obj, ctx):
        return
    bound = rbac.bound_role(obj, ctx.index, ctx.namespace_of(obj))
    if bound is None:
        return
    kind, name, role = bound
    if kind == "ClusterRole" and name == "cluster-admin":
        what = "ClusterRole 'cluster-admin'"
    else:
        index = _full_control_rule(role) if role is not None else None
        if index is None:
            return
        what = (
            f"{kind} {name!r}, whose rules[{index}] grants every verb on every resource"
            " of every API group,"
        )
    subjects = rbac.subject_list(obj, ctx.namespace_of(obj))
    if subjects and all(subject == ("Group", "system:masters") for subject in subjects):
        return
    shown = ", ".join(f"{kind_} {name_!r}" for kind_, name_ in subjects) or "no subjects yet"
    scope = (
        "the whole cluster"
        if obj.kind == "ClusterRoleBinding"
        else f"namespace {ctx.namespace_of(obj)!r}"
    )
    yield ctx.violation(
        ("roleRef", "name"),
        f"{obj.kind} {obj.display_name or '?'!r} binds {what} to {shown}: full control of {scope}",
    )
