"""## What it does
Reports a pod spec whose `dnsConfig.options` lack a resolver option that your policy
requires, or set it to another value: by default `ndots: 2`. Off by default: which
resolver options a cluster wants is a policy, not a rule of Kubernetes.

`options` set to `null` require the option to be present with any value.

## Why is this bad?
The kubelet writes a pod's `/etc/resolv.conf` with `ndots:5` and the cluster's search
domains (`<namespace>.svc.cluster.local`, `svc.cluster.local`, `cluster.local`, and the
node's own). With `ndots:5`, every name with fewer than five dots, `api.example.com`
included, is first tried with each search domain appended: a lookup of an external name
costs four or more failed queries (times two for IPv4 and IPv6) before the real one. That
load lands on CoreDNS and on conntrack, and shows up as slow or timed-out connections under
load. Pods that mostly talk to external names set a lower `ndots` in `dnsConfig`
(cluster-internal names then need their namespace or a fully qualified form).

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: crawler
spec:
  selector:
    matchLabels: {app: crawler}
  template:
    metadata:
      labels: {app: crawler}
    spec:
      containers:
        - name: crawler
          image: registry.example.com/crawler:3.2.0
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: crawler
spec:
  selector:
    matchLabels: {app: crawler}
  template:
    metadata:
      labels: {app: crawler}
    spec:
      dnsConfig:
        options:
          - {name: ndots, value: "2"}
      containers:
        - name: crawler
          image: registry.example.com/crawler:3.2.0
```

## Options
- `required` (object, default `{"ndots": "2"}`): the resolver options every pod spec must
  set in `dnsConfig.options`, by name, with the value each must have (a string, as in the
  manifest), or `null` for any value.

## References
- https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-dns-config
- https://man7.org/linux/man-pages/man5/resolv.conf.5.html (`ndots`)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule

DEFAULT_REQUIRED = {"ndots": "2"}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@rule(
    id="dns-config-options",
    severity="info",
    kinds=POD_SPEC_KINDS,
    enabled=False,
    summary="a pod spec does not set the DNS resolver options the policy requires",
    options={
        "required": {
            "type": "object",
            "additionalProperties": {"type": ["string", "null"]},
            "default": DEFAULT_REQUIRED,
            "description": "resolver option name -> required value (null: any value)",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.pod_spec()
    path = obj.pod_spec_path()
    if spec is None or path is None:
        return
    required = ctx.options.get("required", DEFAULT_REQUIRED)
    if not isinstance(required, Mapping) or not required:
        return
    dns = spec.get("dnsConfig")
    if dns is not None and not isinstance(dns, Mapping):
        return  # malformed: schema validation reports it
    options = (dns or {}).get("options")
    if options is not None and not isinstance(options, list):
        return
    present = {
        option.get("name"): _text(option.get("value"))
        for option in options or ()
        if isinstance(option, Mapping)
    }
    owner = f"{obj.kind} {obj.display_name or '?'!r}"
    for name, wanted in required.items():
        want = f"{name}: {wanted}" if wanted is not None else name
        if name not in present:
            if dns is None:
                where, state = path, "sets no dnsConfig"
            elif options is None:
                where, state = (*path, "dnsConfig"), "sets no dnsConfig.options"
            else:
                where, state = (*path, "dnsConfig", "options"), f"sets no {name} option"
            yield ctx.violation(where, f"{owner} {state}; the policy requires {want}")
        elif wanted is not None and present[name] != wanted:
            index = next(
                i
                for i, option in enumerate(options or ())
                if isinstance(option, Mapping) and option.get("name") == name
            )
            yield ctx.violation(
                (*path, "dnsConfig", "options", index, "value"),
                f"{owner} sets the DNS option {name}: {present[name]}; the policy requires {want}",
            )
