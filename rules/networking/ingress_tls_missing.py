"""## What it does
Reports an Ingress that serves plain HTTP:

- it has no `spec.tls` (or an empty list): every host is served over HTTP only;
- a `spec.rules[].host` is not covered by the `hosts` of any `spec.tls` entry. A TLS host
  `*.example.com` covers `shop.example.com` (one DNS label, as certificate wildcards do);
  a TLS entry without `hosts` covers every host (the API documents it as the controller's
  wildcard default). A rule without a host is served for every host and needs only some
  `spec.tls` entry.

Not reported: Ingresses whose TLS is terminated by the cloud load balancer from an
annotation instead of `spec.tls` (`alb.ingress.kubernetes.io/certificate-arn`,
`ingress.gcp.kubernetes.io/pre-shared-cert`, `networking.gke.io/managed-certificates`),
and the temporary Ingresses cert-manager creates to answer ACME HTTP-01 challenges
(label `acme.cert-manager.io/http01-solver`), which must be plain HTTP.

## Why is this bad?
An Ingress is how external traffic enters the cluster (the source notes 001: "一般情况下，
service 都是 clusterIP 类型的，通过 ingress 接入外部流量"). Without TLS the controller
serves the host over plain HTTP: credentials, session cookies and personal data cross the
network in clear text and can be read or changed on the way. A host missing from the TLS
hosts is a subtler variant: the controller has no certificate for it, so it is served over
HTTP only, or with the controller's default (self-signed) certificate that clients reject.

## Example
```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: shop
                port: {number: 80}
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
                port: {number: 80}
```

## References
- https://kubernetes.io/docs/concepts/services-networking/ingress/#tls
- https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/
- Source notes 001 (service 的类型有几种: 通过 ingress 接入外部流量); 004 (ipvs 和 ingress)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import Manifest, RuleContext, Violation, rule

#: Annotations by which a cloud load balancer terminates TLS without spec.tls.
TLS_ANNOTATIONS = (
    "alb.ingress.kubernetes.io/certificate-arn",
    "ingress.gcp.kubernetes.io/pre-shared-cert",
    "networking.gke.io/managed-certificates",
)
ACME_SOLVER_LABEL = "acme.cert-manager.io/http01-solver"


def _covers(tls_host: str, host: str) -> bool:
    tls_host, host = tls_host.lower(), host.lower()
    if tls_host == host:
        return True
    if tls_host.startswith("*.") and not host.startswith("*."):
        first, _, rest = host.partition(".")
        return bool(first) and rest == tls_host[2:]
    return False


def _tls_hosts(tls: list[Any]) -> list[str] | None:
    """Every host of the TLS entries; None when an entry without hosts covers them all."""
    hosts: list[str] = []
    for entry in tls:
        if not isinstance(entry, Mapping):
            continue
        entry_hosts = entry.get("hosts")
        if not entry_hosts:
            return None
        if isinstance(entry_hosts, list):
            hosts += [host for host in entry_hosts if isinstance(host, str)]
    return hosts


@rule(
    id="ingress-tls-missing",
    severity="warning",
    kinds=("Ingress",),
    summary="an Ingress serves hosts without TLS",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.get(("spec",))
    if not isinstance(spec, Mapping):
        return
    if obj.labels.get(ACME_SOLVER_LABEL) is not None:
        return
    if any(obj.annotations.get(name) for name in TLS_ANNOTATIONS):
        return
    ingress = f"Ingress {obj.display_name or '?'!r}"
    tls = spec.get("tls")
    if tls is None or tls == []:
        rules = spec.get("rules")
        named = (
            sorted(
                {
                    entry["host"]
                    for entry in rules
                    if isinstance(entry, Mapping) and isinstance(entry.get("host"), str)
                }
            )
            if isinstance(rules, list)
            else []
        )
        served = f"hosts {', '.join(named)} are" if named else "it is"
        yield ctx.violation(
            ("spec", "tls"), f"{ingress} has no spec.tls: {served} served over plain HTTP only"
        )
        return
    if not isinstance(tls, list):
        return
    hosts = _tls_hosts(tls)
    rules = spec.get("rules")
    if hosts is None or not isinstance(rules, list):
        return
    for index, entry in enumerate(rules):
        host = entry.get("host") if isinstance(entry, Mapping) else None
        if not isinstance(host, str) or not host:
            continue
        if not any(_covers(tls_host, host) for tls_host in hosts):
            yield ctx.violation(
                ("spec", "rules", index, "host"),
                f"{ingress}: host {host!r} is not in the hosts of any spec.tls"
                " entry, so it has no certificate and is served over plain"
                " HTTP (or with the controller's default certificate)",
            )
