"""## What it does
Checks a Service without a selector (none, or an empty one) against the endpoints that
must be written for it by hand:

- the input holds no `Endpoints` object of the Service's name in its namespace and no
  `EndpointSlice` labelled `kubernetes.io/service-name: <name>` there: the Service is
  reported at its `spec`;
- such an Endpoints object or EndpointSlice is in the input, but it has no port with the
  name (and protocol, `TCP` unless set) of one of the Service's ports: that Service port is
  reported. An unnamed Service port (allowed when it is the only one) matches an unnamed
  endpoint port.

`ExternalName` Services (DNS aliases, with no endpoints) and Services with a selector (the
endpoints controller writes their endpoints) are not checked. Namespaces are compared as
they land: an object without `metadata.namespace` is in the configured default namespace.

Unlike most cross-object rules this one reports a missing Endpoints object even when the
input holds none in that namespace: a selector-less Service and the Endpoints that give it
a destination are one unit and are kept in the same file. When a workload of the Service's
name in the input has a pod template without labels, the input is an unrendered kustomize
base (the kustomization adds labels and selectors to both), and nothing is reported; lint
the output of `kustomize build` to check it. When a workload of that name with pod labels
is in the Service's namespace, the message asks whether the selector was forgotten.

Operators write the endpoints of the Services they manage: a Service named after a custom
resource of its namespace (`rook-ceph-active-mons` and the Rook `CephCluster`
`rook-ceph`), or labelled with a key prefixed by the API group of a CRD or custom
resource of the input, is not reported. If the endpoints of another Service are written
by a controller, disable the rule for that Service with the `kubelint.io/ignore`
annotation or a `# kubelint: disable` comment.

## Why is this bad?
A Service without a selector gets no endpoints from Kubernetes: it is the way to give a
stable in-cluster name to something outside the cluster (a database on a VM, another
cluster's service), and its endpoints must be created by hand, in an Endpoints object with
the same name, or in EndpointSlices labelled with the Service's name. Without them the
Service has a cluster IP and a DNS name but nowhere to send traffic: connections are
refused. kube-proxy pairs each Service port with the endpoint ports by name and protocol,
so an Endpoints object whose port names differ from the Service's is not linked to it
either, with the same result. The source notes (001, "如何创建一个 service 代理外部的服务")
describe exactly this: create the Service without a selector, then an Endpoints object
with the same name, and "端口的name 也要与 service 的端口 的name 一样，不然endpoint 不能与service
进行关联" (the port names must match, or the Endpoints are not linked to the Service).

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: billing-db
spec:
  ports:
    - name: postgres
      port: 5432
---
apiVersion: v1
kind: Endpoints
metadata:
  name: billing-db
subsets:
  - addresses:
      - ip: 10.20.0.15
    ports:
      - name: pg
        port: 5432
```

## Use instead
```yaml
apiVersion: v1
kind: Service
metadata:
  name: billing-db
spec:
  ports:
    - name: postgres
      port: 5432
---
apiVersion: v1
kind: Endpoints
metadata:
  name: billing-db
subsets:
  - addresses:
      - ip: 10.20.0.15
    ports:
      - name: postgres
        port: 5432
```

## References
- https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors
- https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/
- Source notes 001 (如何创建一个 service 代理外部的服务): a selector-less Service needs an
  Endpoints object of the same name whose port names and protocols match the Service's
- Source notes 002 (k8s的service和ep是如何关联和相互影响的): "service中有selector时才会创建
  endpoints" (endpoints are created only for a Service with a selector)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import (
    AFTER_SEMICOLON,
    POD_SPEC_KINDS,
    Manifest,
    RuleContext,
    Violation,
    did_you_mean,
    rule,
)

SERVICE_NAME_LABEL = "kubernetes.io/service-name"


def _protocol(port: Mapping[str, Any]) -> str:
    protocol = port.get("protocol")
    return protocol if isinstance(protocol, str) and protocol else "TCP"


def _port_name(port: Mapping[str, Any]) -> str:
    name = port.get("name")
    return name if isinstance(name, str) else ""


def _endpoint_ports(endpoints: list[Manifest], slices: list[Manifest]) -> set[tuple[str, str]]:
    """(name, protocol) of every port of the Endpoints' subsets and the slices."""
    ports: list[Any] = []
    for obj in endpoints:
        subsets = obj.data.get("subsets")
        for subset in subsets if isinstance(subsets, list) else ():
            if isinstance(subset, Mapping) and isinstance(subset.get("ports"), list):
                ports.extend(subset["ports"])
    for obj in slices:
        if isinstance(obj.data.get("ports"), list):
            ports.extend(obj.data["ports"])
    return {(_port_name(port), _protocol(port)) for port in ports if isinstance(port, Mapping)}


def _show(name: str, protocol: str) -> str:
    shown = repr(name) if name else "(unnamed)"
    return shown if protocol == "TCP" else f"{shown}/{protocol}"


@rule(
    id="service-endpoints-mismatch",
    severity="warning",
    kinds=("Service",),
    summary="a Service without a selector has no Endpoints that match its ports",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.get(("spec",))
    name = _selectorless_name(spec, obj)
    if name is None:
        return
    namespace = ctx.index.namespace_of(obj)
    endpoints = [
        ep for ep in ctx.index.of_kind("Endpoints", namespace) if ep.metadata.get("name") == name
    ]
    slices = [
        s
        for s in ctx.index.of_kind("EndpointSlice", namespace)
        if s.labels.get(SERVICE_NAME_LABEL) == name
    ]
    if not endpoints and not slices:
        yield from _nothing_fills(obj, ctx, name, namespace)
        return
    ports = spec.get("ports")
    if isinstance(ports, list):
        yield from _unmatched_ports(ctx, name, ports, endpoints, slices)


def _selectorless_name(spec: Any, obj: Manifest) -> str | None:
    """The name of a Service whose endpoints something else fills (no selector, not
    ExternalName); None for any other Service."""
    if not isinstance(spec, Mapping) or spec.get("type") == "ExternalName":
        return None
    selector = spec.get("selector")
    if selector is not None and (not isinstance(selector, Mapping) or selector):
        return None  # it has a selector (or a malformed one, which schema validation reports)
    name = obj.metadata.get("name")
    if not isinstance(name, str) or not name:
        return None  # only a generateName: no Endpoints object can be named after it
    return name


def _nothing_fills(
    obj: Manifest, ctx: RuleContext, name: str, namespace: str | None
) -> Iterator[Violation]:
    """No Endpoints nor EndpointSlice of the input belongs to the Service: reported
    unless a tool or an operator fills them."""
    namesakes = [
        w
        for kind in sorted(POD_SPEC_KINDS)
        for w in ctx.index.of_kind(kind)
        if w.metadata.get("name") == name
    ]
    if any(not w.pod_template_labels() for w in namesakes):
        return  # an unrendered kustomize base: its labels and selectors come later
    if ctx.index.operator_source(namespace, names=[name], labels=obj.labels) is not None:
        return  # rook-ceph-active-mons: Rook keeps its endpoints
    elsewhere = sorted(
        {
            ctx.index.namespace_of(ep) or ""
            for ep in ctx.index.of_kind("Endpoints")
            if ep.metadata.get("name") == name
        }
    )
    hint = f" (there is one in namespace {', '.join(map(repr, elsewhere))})" if elsewhere else ""
    same = [w for w in namesakes if ctx.index.namespace_of(w) == namespace]
    if same:
        labels = ", ".join(f"{key}={value}" for key, value in same[0].pod_template_labels().items())
        forgot = (
            f"; was a selector forgotten? {same[0].kind} {name!r} in the input"
            f" has pod labels {labels}"
        )
    else:
        forgot = ""
    yield ctx.violation(
        ("spec",),
        f"Service {name!r} has no selector and the input holds no"
        f" Endpoints {name!r} nor an EndpointSlice labelled"
        f" {SERVICE_NAME_LABEL}={name} in namespace"
        f" {namespace!r}{hint}: nothing fills its endpoints,"
        f" so its traffic goes nowhere{forgot}",
    )


def _unmatched_ports(
    ctx: RuleContext,
    name: str,
    ports: list[Any],
    endpoints: list[Manifest],
    slices: list[Manifest],
) -> Iterator[Violation]:
    """Each port of the Service that no port of its Endpoints and slices matches by name
    and protocol (kube-proxy links them so)."""
    available = _endpoint_ports(endpoints, slices)
    parts = [f"Endpoints {name!r}"] if endpoints else []
    if slices:
        parts.append(
            f"EndpointSlice{'s' if len(slices) > 1 else ''} "
            + ", ".join(repr(s.display_name or "?") for s in slices)
        )
    source = " and ".join(parts)
    verb = "have" if len(slices) > 1 or len(parts) > 1 else "has"
    listed = ", ".join(_show(*port) for port in sorted(available)) if available else "none"
    for index, port in enumerate(ports):
        if not isinstance(port, Mapping):
            continue
        wanted = (_port_name(port), _protocol(port))
        if wanted in available:
            continue
        path, problem, hint = _port_problem(index, wanted, available, verb)
        yield ctx.violation(
            path,
            f"Service {name!r} port {_show(*wanted)}: {source} {problem}"
            f" (listed: {listed}), so kube-proxy does not link them"
            f" and the port has no endpoints{hint}",
        )


def _port_problem(
    index: int, wanted: tuple[str, str], available: set[tuple[str, str]], verb: str
) -> tuple[tuple[str | int, ...], str, str]:
    """Where and what is wrong with port ``index`` (``wanted``: its name and protocol),
    and a near miss among the names ``available``."""
    names = sorted({port_name for port_name, _ in available})
    if wanted[0] in names:
        problem = f"{verb} port {_show(wanted[0], 'TCP')} but not over {wanted[1]}"
        return ("spec", "ports", index, "protocol"), problem, ""
    shown = f"port {wanted[0]!r}" if wanted[0] else "unnamed port"
    hint = ""
    if wanted[0]:
        hint = did_you_mean(wanted[0], [n for n in names if n], form=AFTER_SEMICOLON)
    return ("spec", "ports", index, "name"), f"{verb} no {shown}", hint
