"""## What it does
Reports an `APIService` (`apiregistration.k8s.io`) that the API server rejects, checked
as kube-aggregator's validation does:

- `insecureSkipTLSVerify: true` together with a non-empty `caBundle` (`may not be true if
  caBundle is present`);
- a local APIService (no `service`) with a `caBundle` or `insecureSkipTLSVerify: true`;
- a `service` without `namespace` or `name`, or with a `port` outside 1-65535;
- a `metadata.name` other than `<version>.<group>` (`v1beta1.metrics.k8s.io`);
- an empty `group` with a `version` other than `v1`, a `group` that is not a DNS
  subdomain, a `version` that is not a DNS-1035 label (`v1beta1`);
- `groupPriorityMinimum` outside 1-20000 or `versionPriority` outside 1-1000;
- a `caBundle` that is not valid base64 (it is bytes in the API).

Values that are not of the right type, and missing required fields, are left to schema
validation; names and fields that contain a template placeholder are skipped.

## Why is this bad?
The API server refuses the object (`spec.insecureSkipTLSVerify: Invalid value: true: may
not be true if caBundle is present`), so the aggregated API (metrics-server,
prometheus-adapter, a custom API server) is never registered and whatever depends on it,
such as `kubectl top` or a HorizontalPodAutoscaler on custom metrics, fails. The first
case usually comes from a tool that injects the `caBundle` into a manifest that skipped
verification: drop `insecureSkipTLSVerify` once a CA bundle is there.

## Example
```yaml
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1beta1.metrics.k8s.io
spec:
  group: metrics.k8s.io
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
  insecureSkipTLSVerify: true
  caBundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
  service:
    name: metrics-server
    namespace: kube-system
```

## Use instead
```yaml
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1beta1.metrics.k8s.io
spec:
  group: metrics.k8s.io
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
  caBundle: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
  service:
    name: metrics-server
    namespace: kube-system
```

## References
- https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/api-service-v1/
- kube-aggregator, `pkg/apis/apiregistration/validation/validation.go` (`ValidateAPIService`)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import (
    Manifest,
    Path,
    RuleContext,
    Violation,
    base64_problem,
    has_placeholder,
    lazy_compile,
    rule,
)

GROUP = "apiregistration.k8s.io"
_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN = lazy_compile(rf"{_LABEL}(\.{_LABEL})*\Z")
_DNS1035 = lazy_compile(r"[a-z]([-a-z0-9]*[a-z0-9])?\Z")


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: Any) -> str | None:
    """A string field's value; None when it is not a string or holds a placeholder."""
    return value if isinstance(value, str) and not has_placeholder(value) else None


@rule(
    id="apiservice-invalid",
    severity="error",
    kinds=("APIService",),
    summary="an APIService has settings the API server rejects",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if obj.api_group != GROUP:
        return
    spec = obj.get(("spec",))
    if not isinstance(spec, Mapping):
        return
    what = f"APIService {obj.display_name or '?'!r}"
    for path, message in (*_naming(obj, spec, what), *_serving(spec, what)):
        yield ctx.violation(path, message)


def _naming(obj: Manifest, spec: Mapping[str, Any], what: str) -> Iterator[tuple[Path, str]]:
    """The name, group, version and priorities: (path, message) of each problem."""
    group, version = _text(spec.get("group")), _text(spec.get("version"))
    name = _text(obj.metadata.get("name"))
    if (
        name is not None
        and group is not None
        and version is not None
        and name != f"{version}.{group}"
    ):
        yield (
            ("metadata", "name"),
            f"{what}: the name must be spec.version + '.' + spec.group, {version}.{group!s}",
        )
    if group == "" and version is not None and version != "v1":
        yield ("spec", "group"), f"{what}: only version v1 may have an empty group"
    elif group and (len(group) > 253 or not _SUBDOMAIN.match(group)):
        yield ("spec", "group"), f"{what}: group {group!r} is not a DNS-1123 subdomain"
    if version is not None and (len(version) > 63 or not _DNS1035.match(version)):
        yield (
            ("spec", "version"),
            f"{what}: version {version!r} is not a DNS-1035 label (such as v1beta1)",
        )
    for field, high in (("groupPriorityMinimum", 20000), ("versionPriority", 1000)):
        number = _int(spec.get(field))
        if number is not None and not 0 < number <= high:
            yield (
                ("spec", field),
                f"{what}: {field} {number} must be positive and at most {high}",
            )


def _serving(spec: Mapping[str, Any], what: str) -> Iterator[tuple[Path, str]]:
    """The caBundle, insecureSkipTLSVerify and service: (path, message) of each problem."""
    ca_bundle = spec.get("caBundle")
    if (
        isinstance(ca_bundle, str)
        and not has_placeholder(ca_bundle)
        and (problem := base64_problem(ca_bundle)) is not None
    ):
        yield (
            ("spec", "caBundle"),
            f"{what}: caBundle {problem}; it is the base64 of a PEM bundle",
        )
    has_ca = isinstance(ca_bundle, str) and ca_bundle != ""
    insecure = spec.get("insecureSkipTLSVerify") is True
    service = spec.get("service")
    if service is None:
        if has_ca:
            yield (
                ("spec", "caBundle"),
                f"{what} has no service (it is served locally), so it may not have a caBundle",
            )
        if insecure:
            yield (
                ("spec", "insecureSkipTLSVerify"),
                f"{what} has no service (it is served locally), so it may"
                " not set insecureSkipTLSVerify",
            )
        return
    if not isinstance(service, Mapping):
        return
    for field in ("namespace", "name"):
        value = service.get(field)
        if value is None or value == "":
            yield ("spec", "service", field), f"{what}: spec.service.{field} is required"
    port = _int(service.get("port"))
    if port is not None and not 0 < port <= 65535:
        yield (
            ("spec", "service", "port"),
            f"{what}: spec.service.port {port} is not between 1 and 65535",
        )
    if insecure and has_ca:
        yield (
            ("spec", "insecureSkipTLSVerify"),
            f"{what} sets insecureSkipTLSVerify: true and a caBundle; the"
            " API server rejects the pair (may not be true if caBundle is"
            " present): drop insecureSkipTLSVerify",
        )
