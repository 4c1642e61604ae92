"""## What it does
Reports a Service port whose `targetPort` the API server rejects:

- a number outside 1-65535 (`0` is allowed: it means "the same as `port`", like leaving
  `targetPort` out);
- a name that is not an IANA service name (RFC 6335): at most 15 characters, only
  lowercase letters, digits and `-`, at least one letter, no `-` at the start or the end
  and no two `-` in a row. A number written as a string (`"8080"`) is such a name, and
  has no letter.

## Why is this bad?
`kubectl apply` fails for the whole Service (`spec.ports[0].targetPort: Invalid value`),
so the manifest cannot be deployed as written. The mistake usually comes from a template:
a quoted number, a port name copied from a longer container port name, or a value with an
upper-case letter or an underscore. Container port names follow the same rules, so a
Service can only refer to a valid one.

## Example
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: "8080"}
    - {name: admin, port: 9000, targetPort: admin_interface}
    - {name: metrics, port: 9100, targetPort: 91000}
```

## Use instead
```yaml
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: 8080}
    - {name: admin, port: 9000, targetPort: admin}
    - {name: metrics, port: 9100, targetPort: 9100}
```

## References
- https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec
  (`ports.targetPort`: "Number must be in the range 1 to 65535. Name must be an
  IANA_SVC_NAME")
- https://www.rfc-editor.org/rfc/rfc6335.html#section-5.1 (service names)
- k8s.io/kubernetes `pkg/apis/core/validation/validation.go`, `validateServicePort` and
  `ValidatePortNumOrName`; `apimachinery/pkg/util/validation` `IsValidPortName`
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import Manifest, RuleContext, Violation, port_name_problems, rule


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@rule(
    id="service-target-port-invalid",
    severity="error",
    kinds=("Service",),
    summary="a Service targetPort is a number out of range or an invalid port name",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    ports = obj.get(("spec", "ports"))
    if not isinstance(ports, list):
        return
    service = f"Service {obj.display_name or '?'!r}"
    for index, port in enumerate(ports):
        if not isinstance(port, Mapping) or "targetPort" not in port:
            continue
        target = port["targetPort"]
        where = ("spec", "ports", index, "targetPort")
        if _is_int(target):
            if not 0 <= target <= 65535:
                yield ctx.violation(
                    where,
                    f"{service} ports[{index}] targetPort {target} is"
                    " not a port number (1-65535): the API server"
                    " rejects the Service",
                )
        elif isinstance(target, str) and target:  # "" defaults to the port, like 0
            problems = port_name_problems(target)
            if not problems:
                continue
            advice = f"; write the number {int(target)} without quotes" if target.isdigit() else ""
            yield ctx.violation(
                where,
                f"{service} ports[{index}] targetPort {target!r} is"
                f" not a valid port name: it {'; it '.join(problems)};"
                f" the API server rejects the Service{advice}",
            )
