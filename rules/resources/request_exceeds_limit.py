"""## What it does
Reports a container (init containers included) that requests more of a resource than its
limit allows, for every resource named under both `requests` and `limits`: `cpu`,
`memory`, `ephemeral-storage`, `hugepages-<size>` and extended resources such as
`nvidia.com/gpu`. Quantities are compared exactly, whatever their units: `500G` against
`2G`, `1` against `1000m` (equal), `1Mi` against `1M` (1Mi is larger), YAML numbers such as
`cpu: 1` or `cpu: 0.5`. A request equal to its limit is fine.

It also reports any value under `requests` or `limits` that is not a Kubernetes quantity
(`2GB`, `1.5.5`, `1 Gi`, `true`): the API server cannot parse it either.

## Why is this bad?
The API server rejects the object: validation requires every request to be less than or
equal to its limit (`Invalid value: "500G": must be less than or equal to memory limit`),
and a value that is not a quantity fails to decode. `kubectl apply` fails, and a pipeline
that applies a bundle stops half way. The mistake is easy to make by mixing units: the
source notes (001, "pod 的资源请求、限制如何定义？") show exactly this example, a memory
request of `500G` under a limit of `2G`, most likely meant as `500M`.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      resources:
        limits:
          cpu: 2
          memory: 2G
        requests:
          cpu: 1
          memory: 500G
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      resources:
        limits:
          cpu: 2
          memory: 2G
        requests:
          cpu: 1
          memory: 500M
```

## References
- https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits
- https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
- Source notes 001 (pod 的资源请求、限制如何定义？): the `requests.memory: 500G` /
  `limits.memory: 2G` example
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import Any

from kubelint.api import (
    POD_SPEC_KINDS,
    InvalidQuantity,
    Manifest,
    RuleContext,
    Violation,
    parse_quantity,
    rule,
)

from ._requirements import block, written

KINDS = (("requests", "request"), ("limits", "limit"))


def _show(value: Any) -> str:
    """A value as written in YAML, quoted when it is a string."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


@rule(
    id="resources-request-exceeds-limit",
    severity="error",
    kinds=POD_SPEC_KINDS,
    summary="a container requests more of a resource than its limit, or a quantity is invalid",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    for ref in obj.containers():
        resources = ref.container.get("resources")
        who = ref.label
        blocks: dict[str, Mapping[str, Any]] = {}
        parsed: dict[str, dict[str, Fraction]] = {}
        for group, noun in KINDS:
            values = blocks[group] = block(resources, group) or {}
            parsed[group] = {}
            for resource, value in values.items():
                if value is None:
                    continue  # null: the field is unset
                try:
                    parsed[group][resource] = parse_quantity(value)
                except InvalidQuantity:
                    shown = _show(value)
                    verdict = (
                        f"is {shown}, not a quantity"
                        if shown.startswith("a ")
                        else f"{shown} is not a valid quantity"
                    )
                    yield ctx.violation(
                        (*ref.path, "resources", group, resource),
                        f"{who} {resource} {noun} {verdict}",
                    )
                except (ValueError, ArithmeticError):
                    continue  # the parser failed on its own; no verdict
        requests, limits = parsed["requests"], parsed["limits"]
        for resource, request in requests.items():
            limit = limits.get(resource)
            if limit is None or request <= limit:
                continue
            written_request = blocks["requests"][resource]
            written_limit = blocks["limits"][resource]
            yield ctx.violation(
                (*ref.path, "resources", "requests", resource),
                f"{who} requests {written(written_request)} of {resource}, more than its"
                f" limit of {written(written_limit)}",
            )
