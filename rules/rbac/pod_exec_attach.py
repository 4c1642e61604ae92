"""## What it does
Reports what lets someone run commands in, or attach to, running containers: `create` or
`get` on `pods/exec` or `pods/attach` (core group), also through `*` in `verbs`,
`resources` (`*` or `*/exec`) or `apiGroups`.

- On a Role or ClusterRole, each rule that grants it is reported, naming the verbs and
  subresources.
- On a RoleBinding or ClusterRoleBinding, the binding is reported (at `roleRef.name`,
  naming the subjects) when the role it references is one the role check leaves alone
  but that grants exec or attach: a Kubernetes default or `system:` role of the input
  (or one exempted by `exempt-names`) that grants it, or the default ClusterRoles `admin`
  and `edit` (which grant `create` on both) when they are not in the input. A binding of
  a role of the input that is reported itself is not reported again, and a binding whose
  role is neither in the input nor a default role is not reported: its permissions are
  unknown.

With `report-on: bindings` the findings move from the roles to the bindings: roles are
not reported, and every binding whose role (of the input, whatever its name, or the
default `admin` and `edit`) grants exec or attach is, naming the subjects who get it. A
role that no binding of the input uses is then not reported.

Both verbs count: `kubectl exec` and `attach` send a POST (`create`) over SPDY, while
kubectl 1.31 and later use WebSockets, whose upgrade request is a GET (`get`), which
API servers before 1.35 authorize with `get` alone (1.35 also asks for `create`).
Bindings to `cluster-admin` are left to `rbac-cluster-admin-binding`. Objects of
Kubernetes' own RBAC policy (`system:` names, the default ClusterRoles `cluster-admin`,
`admin`, `edit`, `view`, objects labelled `kubernetes.io/bootstrapping: rbac-defaults`)
and aggregated ClusterRoles (whose `rules` the controller overwrites) are not reported
as roles, nor are bindings of that policy.

## Why is this bad?
`pods/exec` runs any command inside a container: the holder reads the files, environment
and mounted Secrets and ServiceAccount token of the pod and acts with the pod's
permissions. `pods/attach` connects to the main process's terminal. Neither leaves a trace
in the workload's manifests, and a read-only looking role that grants `get` on
`pods/exec` is enough with current kubectl. Grant them to the few people who debug
production, not to applications or CI.

## Example
```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: support
  namespace: shop
rules:
  - apiGroups: [""]
    resources: ["pods", "pods/log"]
    verbs: ["get", "list"]
  - apiGroups: [""]
    resources: ["pods/exec"]
    verbs: ["create", "get"]
```

## Use instead
```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: support
  namespace: shop
rules:
  - apiGroups: [""]
    resources: ["pods", "pods/log"]
    verbs: ["get", "list"]
```

## Options
- `exempt-names` (list of patterns, default `[]`): names of Roles, ClusterRoles and
  bindings to leave alone, as shell-style patterns (`*`, `?`, `[...]`) matched against the
  whole `metadata.name`: objects your platform provider creates and manages, such as
  GKE's `gce:*` objects in a dump of a cluster. A binding to an exempt role that grants
  exec or attach is still reported, as a binding to a `system:` role is.
- `report-on` (`roles` or `bindings`, default `roles`): where the findings go. `roles`
  reports the roles that grant exec or attach, where the permission is written;
  `bindings` reports the bindings that hand it to subjects, for repositories where shared
  roles are written once and the question is who gets them.

## References
- https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks
- https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles
- https://kubernetes.io/docs/reference/kubectl/generated/kubectl_exec/
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import Control, Manifest, RuleContext, Violation, rbac, rule

from ._grants import (
    Grant,
    exempt,
    exempt_names_option,
    granted,
    report_on_option,
    role_violations,
)

EXEC = Grant(
    rows=((("create", "get"), (("", "pods/exec"), ("", "pods/attach"))),),
    consequence="can run commands in any container in scope",
    # A rule limited to named pods still lets its holders run commands in those pods.
    with_resource_names=True,
    # Default ClusterRoles that grant create on pods/exec and pods/attach.
    default_roles=frozenset({"admin", "edit"}),
    default_grant="create on pods/exec, pods/attach (a default ClusterRole)",
)


def _first_grant(role: Manifest) -> str:
    return next(
        (
            f"{text} (rules[{index}])"
            for index, entry in rbac.policy_rules(role)
            if (text := granted(entry, EXEC))
        ),
        "",
    )


def _check_binding(obj: Manifest, ctx: RuleContext, on_bindings: bool) -> Iterator[Violation]:
    if rbac.is_bootstrap(obj) or exempt(obj, ctx):
        return
    bound = rbac.bound_role(obj, ctx.index, ctx.namespace_of(obj))
    if bound is None:
        return
    kind, name, role = bound
    if kind == "ClusterRole" and name == "cluster-admin":
        return  # rbac-cluster-admin-binding reports it
    grant = ""
    if role is None or (
        role.kind == "ClusterRole" and isinstance(role.get(("aggregationRule",)), Mapping)
    ):
        if kind == "ClusterRole" and name in EXEC.default_roles:
            grant = EXEC.default_grant
    elif on_bindings or rbac.is_bootstrap(role) or exempt(role, ctx):
        grant = _first_grant(role)
    if grant:
        yield ctx.violation(
            ("roleRef", "name"),
            f"{obj.kind} {obj.display_name or '?'!r} binds {kind} {name!r}, which"
            f" grants {grant}, to {rbac.subjects(obj, ctx.namespace_of(obj))}:"
            " they can run commands in the pods' containers",
        )


@rule(
    id="rbac-pod-exec-attach",
    severity="warning",
    kinds=("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"),
    summary="RBAC lets its holders exec into or attach to pods",
    options={
        **exempt_names_option("Role, ClusterRole and binding names", "objects"),
        **report_on_option("exec or attach"),
    },
    controls=(Control("nsa:role-based-access-control", partial="grants of exec and attach"),),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    on_bindings = ctx.options.get("report-on") == "bindings"
    if obj.kind in ("RoleBinding", "ClusterRoleBinding"):
        yield from _check_binding(obj, ctx, on_bindings)
        return
    if on_bindings or rbac.is_bootstrap(obj) or exempt(obj, ctx):
        return
    yield from role_violations(obj, ctx, EXEC)
