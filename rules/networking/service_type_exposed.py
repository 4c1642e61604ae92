"""## What it does
Reports a Service of `type: NodePort` or `type: LoadBalancer`: a Service reachable from
outside the cluster. It is informational: exposing a Service is sometimes the point, and
the finding asks a reviewer to confirm it.

`ClusterIP` (the default), headless and `ExternalName` Services are not reported. For the
Service of an ingress controller or a gateway (its name, or its `app`,
`app.kubernetes.io/name` or `istio` label, contains "ingress" or "gateway") the finding
only asks to confirm it is the intended entry point: exposing it is its job.

## Why is this bad?
A `NodePort` Service opens a port (30000-32767) on every node of the cluster, on all of
the node's addresses, bypassing whatever an Ingress or gateway would enforce (TLS, auth,
rate limits, a web application firewall); the nodes' firewall is then the only guard. A
`LoadBalancer` Service also asks the cloud provider for an external load balancer, usually
with a public IP address, that costs money per Service and is open to the whole internet
unless `loadBalancerSourceRanges` or a provider's "internal" annotation restricts it; it
allocates node ports too unless `allocateLoadBalancerNodePorts: false`. An internal
database or admin interface exposed this way by mistake is reachable by anyone who finds
the address. The source notes (001, "service 的类型有几种") describe NodePort and
LoadBalancer as the types that expose an application outside the cluster, and say that
Services are normally `ClusterIP`, with external traffic coming in through an Ingress.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: admin
spec:
  type: NodePort
  selector: {app: admin}
  ports:
    - port: 80
      targetPort: 8080
      nodePort: 30080
```

## Use instead
```yaml
apiVersion: v1
kind: Service
metadata:
  name: admin
spec:
  selector: {app: admin}
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: admin
spec:
  ingressClassName: nginx
  rules:
    - host: admin.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: admin
                port: {number: 80}
```

## References
- https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types
- https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport
- https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer
- https://kubernetes.io/docs/concepts/services-networking/ingress/
- Source notes 001 (service 的类型有几种): "一般情况下，service 都是 clusterIP 类型的，通过
  ingress 接入外部流量"
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import Manifest, RuleContext, Violation, rule

EXPOSED = ("NodePort", "LoadBalancer")
ENTRY_POINT_WORDS = ("ingress", "gateway")


def _node_ports(spec: Mapping[str, Any]) -> list[str]:
    ports = spec.get("ports")
    if not isinstance(ports, list):
        return []
    return [
        str(port["nodePort"])
        for port in ports
        if isinstance(port, Mapping)
        and isinstance(port.get("nodePort"), int)
        and not isinstance(port.get("nodePort"), bool)
    ]


def _entry_point(obj: Manifest) -> bool:
    """An ingress controller's or a gateway's own Service, by its name or labels."""
    words = [obj.display_name or ""]
    words += [
        value
        for key, value in obj.labels.items()
        if isinstance(value, str) and key in ("app", "app.kubernetes.io/name", "istio")
    ]
    return any(word in text.lower() for text in words for word in ENTRY_POINT_WORDS)


@rule(
    id="service-type-exposed",
    severity="info",
    kinds=("Service",),
    summary="a Service is exposed outside the cluster",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.get(("spec",))
    if not isinstance(spec, Mapping):
        return
    kind = spec.get("type")
    if kind not in EXPOSED:
        return
    service = f"Service {obj.display_name or '?'!r}"
    node_ports = _node_ports(spec)
    ports = (
        f"node port{'s' if len(node_ports) > 1 else ''} {', '.join(node_ports)}"
        if node_ports
        else "a node port for each of its ports"
    )
    if kind == "NodePort":
        message = (
            f"{service} is of type NodePort: it opens {ports} on every node of the"
            " cluster, reachable from outside it"
        )
    else:
        ranges = spec.get("loadBalancerSourceRanges")
        reach = (
            "reachable from the loadBalancerSourceRanges outside the cluster"
            if isinstance(ranges, list) and ranges
            else "reachable from outside the cluster"
        )
        message = f"{service} is of type LoadBalancer: it gets an external load balancer, {reach}"
    if _entry_point(obj):
        advice = (
            "; it looks like an ingress controller or gateway, whose job this is:"
            " confirm it is the intended entry point"
        )
    else:
        advice = "; prefer ClusterIP behind an Ingress unless exposing it is intended"
    yield ctx.violation(("spec", "type"), message + advice)
