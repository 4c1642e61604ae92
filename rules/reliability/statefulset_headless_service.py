"""## What it does
Checks that a StatefulSet is governed by a headless Service that selects its pods:

- it names a Service of the input, in the StatefulSet's namespace, that is not headless
  (`spec.clusterIP` is not `None`) (warning); only core `v1` Services count, not other
  APIs' `Service` kinds (Knative);
- it names a headless Service that does not select the StatefulSet's pods: the Service's
  `spec.selector` does not match the pod template's labels, or it has no selector
  (warning);
- `spec.serviceName` is missing or empty (info: the API server never required it, and
  the API schema marks it optional since Kubernetes 1.33, for StatefulSets whose pods
  need stable storage but no stable names);
- it names a Service that is not in the input (info; see the option).

Namespaces are compared as they land: an object without `metadata.namespace` is in the
configured default namespace (`default` unless configured otherwise). A Service of the same
name in another namespace does not count.

## Why is this bad?
A StatefulSet promises each pod a stable network identity, `<pod>.<serviceName>`, e.g.
`db-0.db.prod.svc.cluster.local`. The StatefulSet controller only sets each pod's
`subdomain` to `serviceName`; the DNS records come from a headless Service of that name in
the same namespace whose selector picks the pods:

- without `serviceName` the pods get no subdomain, so no per-pod DNS names, and peers
  (database replicas, Kafka or Redis cluster members) cannot find each other;
- a Service with a cluster IP is load-balanced: its name resolves to one virtual IP and
  the per-pod names are never published;
- a headless Service that selects no pod has no endpoints, so the per-pod names do not
  resolve either.

None of this is rejected by the API server: the StatefulSet is created and its pods start,
and only the per-pod DNS names are missing, which breaks the workloads whose members
reach each other by name, later, when they try. Hence a warning, not an error. The
source notes (001, "无头service 和普通 service 区别") describe the headless Service
(`clusterIP: None`) as the one for stateful sets of pods that must talk to each other
directly.

When the Service is not in the input (it may be applied from another file or another
repository) the rule cannot check it and says so (info); set
`require-service-in-input: false` to accept that silently.

## Example
```yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: postgres:16.4
---
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  selector: {app: db}
  ports:
    - port: 5432
```

## Use instead
```yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
        - name: db
          image: postgres:16.4
---
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  clusterIP: None
  selector: {app: db}
  ports:
    - port: 5432
```

## Options
- `require-service-in-input` (boolean, default `true`): report (info) when the Service
  that `serviceName` names is not among the linted objects (in the StatefulSet's
  namespace). Set it to `false` when Services are managed elsewhere; a Service that is in
  the input is still checked.

## References
- https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id
- https://kubernetes.io/docs/concepts/services-networking/service/#headless-services
- https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pods
- Source notes 001 (无头service 和普通 service 区别，无头service 使用场景是什么？)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import (
    Fix,
    Manifest,
    RuleContext,
    Violation,
    rule,
    service_selector_matches,
)

HEADLESS = "None"
SERVICE_NAME: tuple[str, ...] = ("spec", "serviceName")


def _is_headless(spec: Mapping[str, Any]) -> bool:
    """``clusterIP: None``; when clusterIP is unset the API server copies it from the
    first entry of ``clusterIPs``, so that counts too."""
    cluster_ip = spec.get("clusterIP")
    if cluster_ip is None or cluster_ip == "":
        cluster_ips = spec.get("clusterIPs")
        if isinstance(cluster_ips, list) and cluster_ips:
            cluster_ip = cluster_ips[0]
    return cluster_ip == HEADLESS


def _services(ctx: RuleContext, name: str) -> Iterator[Manifest]:
    """Core Services named ``name`` in any namespace."""
    for service in ctx.index.of_kind("Service"):
        if service.metadata.get("name") == name:
            yield service


@rule(
    id="statefulset-headless-service",
    severity="warning",
    kinds=("StatefulSet",),
    fixable=True,
    summary="a StatefulSet is not governed by a headless Service that selects its pods",
    options={
        "require-service-in-input": {
            "type": "boolean",
            "default": True,
            "description": "report when the Service that serviceName names is not among the"
            " linted objects in the StatefulSet's namespace",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.get(("spec",))
    if not isinstance(spec, Mapping):
        return
    service_name = spec.get("serviceName")
    if service_name is not None and not isinstance(service_name, str):
        return  # a number or a mapping: schema validation reports it
    statefulset = f"StatefulSet {obj.display_name or '?'!r}"
    if not service_name:
        state = "an empty serviceName" if "serviceName" in spec else "no serviceName"
        yield ctx.violation(
            SERVICE_NAME,
            f"{statefulset} has {state}: its pods get no"
            " stable DNS names; name a headless Service if"
            " they must reach each other by name",
            severity="info",
        )
        return
    namespace = ctx.namespace_of(obj) or ctx.index.default_namespace
    service = ctx.index.get("Service", service_name, namespace)
    if service is None:
        if not ctx.options["require-service-in-input"]:
            return
        # A Service of that name in another namespace is a likely cause: say so.
        elsewhere = sorted(
            {ctx.index.namespace_of(other) or "" for other in _services(ctx, service_name)}
        )
        hint = ""
        if elsewhere:
            plural = "s" if len(elsewhere) > 1 else ""
            hint = f" (there is one in namespace{plural} {', '.join(map(repr, elsewhere))})"
        yield ctx.violation(
            SERVICE_NAME,
            f"{statefulset} serviceName {service_name!r}: no"
            f" Service {service_name!r} in namespace"
            f" {namespace!r} in the input{hint}",
            severity="info",
        )
        return
    service_spec = service.get(("spec",))
    if not isinstance(service_spec, Mapping):
        service_spec = {}
    if not _is_headless(service_spec):
        cluster_ip = service_spec.get("clusterIP")
        if service_spec.get("type") == "ExternalName":
            shown = "it is of type ExternalName"
        elif cluster_ip:
            shown = f"it has clusterIP {cluster_ip!r}"
        else:
            shown = "clusterIP is unset, so it gets a cluster IP"
        # Unset or empty clusterIP: making the Service headless is the whole fix. A set IP
        # or an ExternalName Service needs a decision, so no automatic fix there.
        fix = (
            Fix(("spec", "clusterIP"), "None", target=service)
            if not cluster_ip and service_spec.get("type") != "ExternalName"
            else None
        )
        yield ctx.violation(
            SERVICE_NAME,
            f"{statefulset} serviceName {service_name!r}:"
            f" Service {service_name!r} is not headless,"
            f" {shown}; set clusterIP: None",
            fix=fix,
        )
        return
    # A Service selector is a plain map of label values; say precisely why one that is
    # empty or shaped like a LabelSelector selects nothing.
    selector = service_spec.get("selector")
    if not isinstance(selector, Mapping) or not selector:
        yield ctx.violation(
            SERVICE_NAME,
            f"{statefulset} serviceName {service_name!r}:"
            f" headless Service {service_name!r} has no"
            " selector, so it selects none of the pods",
        )
    elif any(isinstance(value, (Mapping, list)) for value in selector.values()):
        yield ctx.violation(
            SERVICE_NAME,
            f"{statefulset} serviceName {service_name!r}:"
            f" headless Service {service_name!r} has a selector"
            " that is not a plain map of labels (a Service has"
            " no matchLabels or matchExpressions), so it"
            " selects none of the pods",
        )
    elif not service_selector_matches(selector, labels := obj.pod_template_labels()):
        wanted = ", ".join(f"{key}={value}" for key, value in selector.items())
        which = (
            "the pod template's labels do not match" if labels else "the pod template has no labels"
        )
        yield ctx.violation(
            SERVICE_NAME,
            f"{statefulset} serviceName {service_name!r}:"
            f" headless Service {service_name!r} selects"
            f" {wanted}, but {which}",
        )
