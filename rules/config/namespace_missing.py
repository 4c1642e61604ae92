"""## What it does
Reports a namespaced object that has no `metadata.namespace` (or an empty one). This rule
is off by default; enable it for repositories where every manifest names its namespace.
With `allow-default: false` it also reports objects that name the `default` namespace.

Only kinds known to be namespaced are reported: the built-in kinds kubelint knows (Pods
and workloads, Services, ConfigMaps, Secrets, ServiceAccounts, PersistentVolumeClaims,
Ingresses, NetworkPolicies, Roles and RoleBindings, HorizontalPodAutoscalers,
PodDisruptionBudgets, LimitRanges, ResourceQuotas, Endpoints, EndpointSlices,
PodTemplates), in the API groups that serve them. Cluster-scoped kinds (Namespace, Node,
PersistentVolume, StorageClass, ClusterRole, ClusterRoleBinding...) never have a
namespace. Custom resources are skipped: whether they are namespaced is only known from
their CustomResourceDefinition (`spec.scope`).

## Why is this bad?
An object without a namespace is created in whatever namespace the client applying it
points at: the namespace of the current kubectl context, or `-n`. The same file then lands
in `default` from one terminal and in `prod` from another; a Service and the Deployment it
selects, or a workload and its ConfigMap, can end up in different namespaces and stop
finding each other; `kubectl delete -f` may miss the objects or remove someone else's of
the same name. Namespaces are how a cluster separates environments and tenants (source
notes 001, "k8s 中命名空间的作用是什么？": resource isolation between environments and
tenants, with RBAC and quotas per namespace), and writing the namespace into the manifest
keeps each object where its quota, policies and permissions apply.

Leaving the namespace out is a deliberate pattern in some tooling: kustomize's
`namespace:` field, `helm install --namespace` and Argo CD's destination set it at apply
time. That is why the rule is off by default; for a repository mixing both styles, disable
it with an `overrides` entry for the files that rely on the tooling.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:2.4.1
```

## Use instead
```yaml
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:2.4.1
```

## Options
- `allow-default` (boolean, default `true`): `false` also reports an object whose
  namespace is `default` (CIS Kubernetes Benchmark 5.7.4, "The default namespace should
  not be used"): everything that lands there shares one set of RBAC bindings, quotas and
  network policies with whatever else was created without a namespace.

## References
- https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/
- https://kubernetes.io/docs/tasks/administer-cluster/namespaces/#setting-the-namespace-preference
- Source notes 001 (k8s 中命名空间的作用是什么？; Namespace)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import Control, Manifest, RuleContext, Violation, rule

#: The namespaced built-in kinds kubelint knows the API groups of. kubelint.api exports
#: neither the kind-to-groups table nor the cluster-scoped kinds, so the list is kept here;
#: Manifest.is_kind checks the API group.
NAMESPACED_KINDS = frozenset(
    {
        "Pod",
        "PodTemplate",
        "ReplicationController",
        "Service",
        "Endpoints",
        "ConfigMap",
        "Secret",
        "ServiceAccount",
        "PersistentVolumeClaim",
        "LimitRange",
        "ResourceQuota",
        "Deployment",
        "ReplicaSet",
        "DaemonSet",
        "StatefulSet",
        "Job",
        "CronJob",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Ingress",
        "NetworkPolicy",
        "EndpointSlice",
        "Role",
        "RoleBinding",
    }
)


@rule(
    id="namespace-missing",
    severity="info",
    enabled=False,
    summary="a namespaced object does not name its namespace",
    options={
        "allow-default": {
            "type": "boolean",
            "default": True,
            "description": "false: the default namespace is reported too",
        }
    },
    controls=(
        Control("cis:5.7.4", partial="the default namespace is reported with allow-default: false"),
        Control(
            "nsa:namespaces",
            partial="objects that name no namespace, and with allow-default: false those in"
            " default",
        ),
    ),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    kind = obj.kind
    if kind not in NAMESPACED_KINDS or not obj.is_kind(kind):
        return  # cluster-scoped, or a custom resource whose scope only its CRD knows
    metadata = obj.data.get("metadata")
    if not isinstance(metadata, Mapping):
        return  # missing or malformed: the core rules report it
    namespace = metadata.get("namespace")
    if namespace is not None and not isinstance(namespace, str):
        return  # malformed: schema validation reports it
    if namespace == "default" and ctx.options.get("allow-default", True) is False:
        yield ctx.violation(
            ("metadata", "namespace"),
            f"{kind} {obj.display_name or '?'!r} is in the default namespace; give"
            " it"
            " a namespace of its own",
        )
        return
    if namespace:
        return
    state = "an empty metadata.namespace" if "namespace" in metadata else "no metadata.namespace"
    yield ctx.violation(
        ("metadata",),
        f"{kind} {obj.display_name or '?'!r} has {state}: it is created in the"
        " namespace of the current kubectl context (or -n), wherever that"
        " points; set metadata.namespace",
    )
