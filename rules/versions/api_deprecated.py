"""## What it does
Reports an object whose `apiVersion` and `kind` are deprecated in the Kubernetes version the
manifests target but still served by it: `v1` Endpoints (deprecated in 1.33 in favour of
`discovery.k8s.io/v1` EndpointSlice), `v1` ComponentStatus (1.19), the `resource.k8s.io`
beta versions now that `resource.k8s.io/v1` is served, and, for older targets, APIs such as
`flowcontrol.apiserver.k8s.io/v1beta3` before their removal. The message says since when the
API is deprecated, in which release it is removed (when one is set), and what to migrate to.

The target version is the newest bundled release ({newest}) unless chosen with
`--kubernetes-version 1.30` on the command line or `kubernetes-version: "1.30"` in
`.kubelint.yaml` (or `[tool.kubelint]` in `pyproject.toml`): lint with the version your
clusters run to see what their next upgrade breaks. An API that the target no longer serves
is reported by `api-removed` instead. The data comes from `schemas/api-versions.json`,
shared with `api-removed`.

## Why is this bad?
The API server answers every request for a deprecated API with a warning (`kubectl apply`
prints `Warning: v1 Endpoints is deprecated in v1.33+`), and a deprecated beta API is
removed three releases later, at which point applying the manifest fails: the cluster
upgrade that removes it breaks the next deploy. Migrating while both versions are served is
the cheap moment: objects can be rewritten one at a time and rolled back. A deprecated API
also stops getting new features (EndpointSlices carry dual-stack addresses, topology and
terminating endpoints; Endpoints are capped at 1000 addresses).

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: legacy-db
spec:
  ports:
    - port: 5432
---
apiVersion: v1
kind: Endpoints
metadata:
  name: legacy-db
subsets:
  - addresses:
      - ip: 10.0.12.7
    ports:
      - port: 5432
```

## Use instead
```yaml
apiVersion: v1
kind: Service
metadata:
  name: legacy-db
spec:
  ports:
    - port: 5432
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: legacy-db-1
  labels:
    kubernetes.io/service-name: legacy-db
addressType: IPv4
endpoints:
  - addresses: ["10.0.12.7"]
ports:
  - port: 5432
```

## References
- https://kubernetes.io/docs/reference/using-api/deprecation-guide/
- https://kubernetes.io/docs/reference/using-api/deprecation-policy/
- https://kubernetes.io/blog/2020/09/03/warnings/
- https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import Manifest, RuleContext, Violation, rule, with_kubernetes_versions

# The table and its loader live with api-removed (one rule per module; a shared helper
# module would count as a rule module).
from .api_removed import API_VERSION, advice, lookup

# The documentation names the bundled Kubernetes versions, whichever they are.
__doc__ = with_kubernetes_versions(__doc__ or "")


@rule(
    id="api-deprecated",
    severity="warning",
    summary="an apiVersion that is deprecated in the target Kubernetes version",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    entry = lookup(obj)
    minor = ctx.kubernetes_minor
    if entry is None or entry.removed_by(minor) or not entry.deprecated_by(minor):
        return
    what = f"{entry.api_version} {entry.kind} is deprecated since {entry.deprecated}"
    if entry.removed is not None:
        what += f" and removed in {entry.removed}"
    use, _ = advice(entry, minor)
    yield ctx.violation(API_VERSION, f"{what}; {use or 'it has no replacement'}")
