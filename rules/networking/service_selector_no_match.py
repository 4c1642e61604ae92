"""## What it does
Reports a Service whose `spec.selector` selects none of the pods in its namespace: no
object with a pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet,
ReplicationController, Job, CronJob, PodTemplate) and no Pod in the input, in the
Service's namespace, carries all the labels of the selector.

A Service selector is a plain map of labels, all of which a pod must carry with the same
values (unlike a Deployment's selector there is no `matchLabels` or `matchExpressions`;
a Service selector written that way selects nothing, and the message says so). Besides
the pod template's labels, the labels that controllers add to every pod count too:
`pod-template-hash` (Deployment), `controller-revision-hash`, `pod-template-generation`
(DaemonSet), `statefulset.kubernetes.io/pod-name: <name>-<ordinal>` and
`apps.kubernetes.io/pod-index` (StatefulSet; a Service per StatefulSet pod selects by
them), `job-name`, `controller-uid` and their `batch.kubernetes.io/` forms (Job, CronJob).

Not reported:

- a Service without a selector (or with an empty one): its endpoints are managed by hand
  (see `service-endpoints-mismatch`);
- an `ExternalName` Service: it is a DNS alias and has no endpoints;
- a Service whose unit (its chart rendering, kustomize build, or the plain files of its
  directory) holds no object with a pod template and no Pod in its namespace: its pods
  are deployed from another file or repository, which a single-file lint cannot see, so
  nothing is reported rather than a guess (the pods it selects may be anywhere in the
  input);
- a Service whose selector selects the labels of a custom resource of its namespace (its
  `metadata.labels`, `spec.podMetadata.labels` or `spec.template.metadata.labels`), such
  as a Prometheus Operator `Alertmanager` or `Prometheus`: its operator makes the pods;
- a Service whose selected label values are named after a custom resource of its
  namespace (`app: rook-ceph-mgr` and the Rook `CephCluster` `rook-ceph`), or whose
  selected label keys are prefixed by the API group of a CRD or custom resource of the
  input (`longhorn.io/component`): an operator makes those pods too.

Namespaces are compared as they land: an object without `metadata.namespace` is in the
configured default namespace.

## Why is this bad?
The endpoints controller fills a Service's endpoints with the addresses of the ready pods
that carry every label of its selector. When no pod matches, the Service is created and
gets its cluster IP and DNS name, but it has no endpoints: connections are refused or time
out, and an Ingress in front of it answers 503. The API server accepts the mismatch, so it
only shows when clients fail. A typo in a label, a label renamed in the Deployment but not
in the Service, or a selector that names the Deployment's name instead of its pod labels
are the usual causes. The source notes (001, "service 、 endpoint、kube-proxys 三者关系")
describe how the endpoint controller keeps the Service's endpoints in step with the pods
its selector picks.

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
          image: nginx:1.27
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: frontend}
  ports:
    - port: 80
```

## Use instead
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
          image: nginx:1.27
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - port: 80
```

## References
- https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service
- https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
- https://kubernetes.io/docs/tasks/debug/debug-application/debug-service/#does-the-service-have-any-endpoints
- Source notes 001 (service 、 endpoint、kube-proxys 三者关系): the endpoint controller
  follows the Service's selector and the pods it matches
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import (
    POD_SPEC_KINDS,
    Manifest,
    RuleContext,
    Violation,
    custom_resource_pod_labels,
    is_custom_resource,
    rule,
    service_selector_matches,
)

SELECTOR: tuple[str, ...] = ("spec", "selector")


def _text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)


def _describe(selector: Mapping[str, Any]) -> str:
    return ", ".join(f"{key}={_text(value)}" for key, value in selector.items())


def _label(obj: Manifest) -> str:
    return f"{obj.kind} {obj.display_name or '?'!r}"


#: How messages show the values of the labels controllers add.
_ADDED_VALUES = {
    "statefulset.kubernetes.io/pod-name": "{name}-<ordinal>",
    "apps.kubernetes.io/pod-index": "<ordinal>",
    "pod-template-generation": "<generation>",
    "job-name": "<job>",
    "batch.kubernetes.io/job-name": "<job>",
    "batch.kubernetes.io/job-completion-index": "<index>",
}


def _missing(selector: Mapping[str, Any], workload: Manifest, ctx: RuleContext) -> list[str]:
    """What the workload's pods lack of the selector ([] when it selects them)."""
    labels = workload.pod_template_labels()
    added = ctx.index.added_pod_labels(workload)
    missing = []
    for key, value in selector.items():
        if key in labels:
            if _text(labels[key]) != _text(value):
                missing.append(f"{key}={_text(labels[key])}")
        elif key not in added:
            missing.append(f"no label {key}")
        elif not added[key](_text(value)):
            shown = _ADDED_VALUES.get(key, "<generated>").format(name=workload.display_name or "?")
            missing.append(f"{key}={shown}")
    return missing


def _nearest(selector: Mapping[str, Any], workloads: list[Manifest], ctx: RuleContext) -> str:
    """The workload that misses the fewest selector labels, and what it misses."""
    best: tuple[int, Manifest, list[str]] | None = None
    for workload in workloads:
        missing = _missing(selector, workload, ctx)
        matched = len(selector) - len(missing)
        if matched and (best is None or matched > best[0]):
            best = (matched, workload, missing)
    if best is None:
        return ""
    _, workload, missing = best
    return f" (nearest: the pods of {_label(workload)} have {', '.join(missing)})"


def _workloads(ctx: RuleContext, namespace: str | None = None) -> list[Manifest]:
    return [obj for kind in sorted(POD_SPEC_KINDS) for obj in ctx.index.of_kind(kind, namespace)]


def _elsewhere(selector: Mapping[str, Any], namespace: str | None, ctx: RuleContext) -> str:
    """A workload of another namespace that the selector would select: a likely cause."""
    for other in _workloads(ctx):
        if ctx.index.namespace_of(other) != namespace and not _missing(selector, other, ctx):
            return f" ({_label(other)} in namespace {ctx.index.namespace_of(other)!r} has them)"
    return ""


def _operator_made(
    selector: Mapping[str, Any], namespace: str | None, ctx: RuleContext
) -> Manifest | None:
    """A custom resource of the namespace that carries the selected labels (on itself or
    on the pod metadata it specifies): its operator probably makes the pods."""
    for other in ctx.index.objects(namespace):
        if is_custom_resource(other) and any(
            service_selector_matches(selector, labels)
            for labels in custom_resource_pod_labels(other)
        ):
            return other
    return None


@rule(
    id="service-selector-no-match",
    severity="warning",
    kinds=("Service",),
    summary="a Service selector matches no pods in the input",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.get(("spec",))
    if not isinstance(spec, Mapping) or spec.get("type") == "ExternalName":
        return
    selector = spec.get("selector")
    if not isinstance(selector, Mapping) or not selector:
        return
    namespace = ctx.index.namespace_of(obj)
    if not any(
        other.pod_spec_path() is not None for other in ctx.index.unit(obj).objects(namespace)
    ):
        return  # the Service's unit deploys no pods here: nothing to compare with
    service = f"Service {obj.display_name or '?'!r}"
    if any(isinstance(value, (Mapping, list)) for value in selector.values()):
        yield ctx.violation(
            SELECTOR,
            f"{service} has a selector that is not a plain map of"
            " labels (a Service has no matchLabels or"
            " matchExpressions), so it selects no pods",
        )
        return
    # workloads_for, plus the labels controllers add to pods (pod-template-hash,
    # statefulset.kubernetes.io/pod-name, job-name, ...), which a template does not show.
    if ctx.index.workloads_for(obj):
        return  # the common case: listing the namespace's workloads is not needed
    workloads = _workloads(ctx, namespace)
    if any(not _missing(selector, w, ctx) for w in workloads):
        return
    if (
        _operator_made(selector, namespace, ctx) is not None
        or ctx.index.operator_source(namespace, labels=selector) is not None
    ):
        return
    hint = _elsewhere(selector, namespace, ctx) or _nearest(selector, workloads, ctx)
    yield ctx.violation(
        SELECTOR,
        f"{service} selects {_describe(selector)}, but no pod"
        f" template or Pod in namespace {namespace!r} in the input"
        f" has these labels, so the Service has no endpoints{hint}",
    )
