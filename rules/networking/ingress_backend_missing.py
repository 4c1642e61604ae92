"""## What it does
Checks the Service backends of an Ingress (`spec.defaultBackend` and
`spec.rules[].http.paths[].backend`, in the `networking.k8s.io/v1` shape
`service: {name, port: {number | name}}`, and the older `serviceName`/`servicePort` shape
of `extensions/v1beta1` and `networking.k8s.io/v1beta1`, including `spec.backend`):

- the backend names a Service that is not in the Ingress's namespace of the input, while
  the Ingress's unit (its chart rendering, kustomize build, or the plain files of its
  directory) holds other Services in that namespace; a Service named after a custom
  resource of the namespace (`rook-ceph-mgr-dashboard` and the Rook `CephCluster`
  `rook-ceph`) is made by its operator and not reported;
- the backend's port (a number, or a port name) is not one the Service declares in
  `spec.ports[].port` / `spec.ports[].name`.

An Ingress can only route to Services of its own namespace, so a Service of the same name
elsewhere does not count. When the Ingress's unit holds no Service in its namespace (an
Ingress linted alone, or Services deployed from elsewhere), nothing is reported. Ports of
`ExternalName` Services are not checked (they often declare none), nor are `resource`
backends (they name a custom resource, not a Service).

## Why is this bad?
An Ingress controller dispatches requests by host and URL path to Services (the source
notes 004, "ipvs 和 ingress": "ingress基于应用层，可以实现基于url分发请求到不同的service中").
The API server accepts a backend that names a missing Service or an undeclared port; the
controller then has no endpoints for that path and answers every request to it with 503
(ingress-nginx) or 502, or drops the rule: a routing outage that shows only at run time,
typically after a Service was renamed or its port name changed.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  tls:
    - hosts: [shop.example.com]
      secretName: shop-tls
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: shop
                port: {name: https}
---
apiVersion: v1
kind: Service
metadata:
  name: shop
spec:
  selector: {app: shop}
  ports:
    - name: http
      port: 80
      targetPort: 8080
```

## Use instead
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  tls:
    - hosts: [shop.example.com]
      secretName: shop-tls
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: shop
                port: {name: http}
---
apiVersion: v1
kind: Service
metadata:
  name: shop
spec:
  selector: {app: shop}
  ports:
    - name: http
      port: 80
      targetPort: 8080
```

## References
- https://kubernetes.io/docs/concepts/services-networking/ingress/#the-ingress-resource
- https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/#IngressBackend
- Source notes 004 (ipvs 和 ingress)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import Manifest, Path, RuleContext, Violation, rule


def _backends(spec: Mapping[str, Any]) -> Iterator[tuple[Path, Mapping[str, Any]]]:
    for key in ("defaultBackend", "backend"):
        if isinstance(spec.get(key), Mapping):
            yield ("spec", key), spec[key]
    rules = spec.get("rules")
    if not isinstance(rules, list):
        return
    for index, entry in enumerate(rules):
        paths = entry.get("http") if isinstance(entry, Mapping) else None
        paths = paths.get("paths") if isinstance(paths, Mapping) else None
        if not isinstance(paths, list):
            continue
        for number, item in enumerate(paths):
            if isinstance(item, Mapping) and isinstance(item.get("backend"), Mapping):
                yield ("spec", "rules", index, "http", "paths", number, "backend"), item["backend"]


def _reference(path: Path, backend: Mapping[str, Any]) -> tuple[Any, Path, Any, Path] | None:
    """(service name, its path, port, its path); port is an int (number), a str (name),
    or None when unset."""
    service = backend.get("service")
    if isinstance(service, Mapping):
        port_path: Path = (*path, "service", "port")
        port = service.get("port")
        value = None
        if isinstance(port, Mapping):
            if port.get("number") is not None:
                value, port_path = port.get("number"), (*port_path, "number")
            elif port.get("name") is not None:
                value, port_path = port.get("name"), (*port_path, "name")
        return service.get("name"), (*path, "service", "name"), value, port_path
    if "serviceName" in backend:
        return (
            backend.get("serviceName"),
            (*path, "serviceName"),
            backend.get("servicePort"),
            (*path, "servicePort"),
        )
    return None  # a resource backend, or malformed


def _port_declared(port: int | str, ports: list[Any]) -> bool:
    for entry in ports:
        if not isinstance(entry, Mapping):
            continue
        if isinstance(port, int):
            if entry.get("port") == port:
                return True
        # A string IntOrString names a port; controllers also accept the number as text.
        elif port == entry.get("name") or port == str(entry.get("port")):
            return True
    return False


@rule(
    id="ingress-backend-missing",
    severity="warning",
    kinds=("Ingress",),
    summary="an Ingress backend names a Service or port that does not exist",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.get(("spec",))
    if not isinstance(spec, Mapping):
        return
    namespace = ctx.namespace_of(obj) or ctx.index.default_namespace
    if not ctx.index.unit(obj).has_kind("Service", namespace):
        return  # its unit (directory, rendering) defines no Service there: cannot tell
    ingress = f"Ingress {obj.display_name or '?'!r}"
    for path, backend in _backends(spec):
        reference = _reference(path, backend)
        if reference is None:
            continue
        name, name_path, port, port_path = reference
        if not isinstance(name, str) or not name:
            continue
        service = ctx.index.get("Service", name, namespace)
        if service is None:
            if ctx.index.operator_source(namespace, names=[name]) is not None:
                continue  # rook-ceph-mgr-dashboard, which Rook creates for its CephCluster
            yield ctx.violation(
                name_path,
                f"{ingress}: backend Service {name!r} is not in"
                f" namespace {namespace!r} in the input",
            )
            continue
        service_spec = service.get(("spec",))
        if not isinstance(service_spec, Mapping) or service_spec.get("type") == "ExternalName":
            continue
        ports = service_spec.get("ports")
        if (
            isinstance(port, bool)
            or not isinstance(port, (int, str))
            or port == ""
            or not isinstance(ports, list)
        ):
            continue
        if not _port_declared(port, ports):
            declared = (
                ", ".join(
                    f"{entry.get('name')}:{entry.get('port')}"
                    if entry.get("name")
                    else str(entry.get("port"))
                    for entry in ports
                    if isinstance(entry, Mapping)
                )
                or "none"
            )
            kind = "port" if isinstance(port, int) else "port name"
            yield ctx.violation(
                port_path,
                f"{ingress}: backend {kind} {port!r} is not declared"
                f" by Service {name!r} (ports: {declared})",
            )
