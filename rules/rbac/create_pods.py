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

## Options
- `exempt-names` (list of patterns, default `[]`): names of Roles and ClusterRoles to
  leave alone, as shell-style patterns (`*`, `?`, `[...]`) matched against the whole
  `metadata.name`: roles your platform provider creates and manages, such as GKE's
  `gce:*` roles in a dump of a cluster. Nothing is exempt by default beyond Kubernetes'
  own policy: a role you write grants what it grants whatever its name.
- `report-on` (`roles` or `bindings`, default `roles`): where the findings go. `roles`
  reports each rule of a Role or ClusterRole that grants create on pods or workloads;
  `bindings` reports instead each RoleBinding or ClusterRoleBinding (at `roleRef.name`,
  naming its subjects) whose role of the input grants it, or that binds the default
  ClusterRoles `admin` or `edit`, for repositories where shared roles are fine and who
  gets them is the question (kube-linter's default). A role that no binding of the input
  uses is then not reported.

## References
- https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation
- https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import Control, Manifest, RuleContext, Violation, rule

from ._grants import GRANT_OPTIONS, Grant, report_grants

#: Pods and the workload resources whose controllers create pods.
WORKLOADS: tuple[tuple[str, str], ...] = (
    ("", "pods"),
    ("", "replicationcontrollers"),
    ("apps", "deployments"),
    ("apps", "daemonsets"),
    ("apps", "statefulsets"),
    ("apps", "replicasets"),
    ("extensions", "deployments"),
    ("extensions", "daemonsets"),
    ("extensions", "replicasets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
)

CREATE_PODS = Grant(
    rows=((("create",), WORKLOADS),),
    consequence="can run any image as any ServiceAccount of the namespace",
    # Default ClusterRoles that grant create on pods and workloads (Kubernetes' RBAC policy).
    default_roles=frozenset({"admin", "edit"}),
    default_grant="create on pods and workloads (a default ClusterRole)",
)


@rule(
    id="rbac-create-pods",
    severity="warning",
    kinds=("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"),
    summary="an RBAC rule lets its holders create pods or workloads",
    options=GRANT_OPTIONS,
    controls=(
        "cis:5.1.4",
        Control("nsa:role-based-access-control", partial="grants that create pods or workloads"),
    ),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    yield from report_grants(obj, ctx, CREATE_PODS)
