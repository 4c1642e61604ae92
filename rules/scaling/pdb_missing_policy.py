"""## What it does
Reports a `PodDisruptionBudget` that sets neither `spec.minAvailable` nor
`spec.maxUnavailable`, or sets both.

## Why is this bad?
A budget is one number: how many of the selected pods must stay available, or how many
may be down. Setting both is rejected by the API server ("minAvailable and
maxUnavailable cannot be both set"), so the budget is not created and the pods are not
protected. Setting neither is accepted by `policy/v1`, but the disruption controller then
requires no pod to stay available: `disruptionsAllowed` equals the number of healthy
pods, and a node drain (source notes 001, "怎么使一个node脱离集群调度") may evict every
replica at once, as if there were no budget. (The removed `policy/v1beta1` defaulted
such a budget to `minAvailable: 1`.)

## Example
```yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
```

## Use instead
```yaml
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: api
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: api}
```

## References
- https://kubernetes.io/docs/tasks/run-application/configure-pdb/#specifying-a-poddisruptionbudget
- https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/pod-disruption-budget-v1/
- Source notes 001 (怎么使一个node脱离集群调度，比如要停机维护单又不能影响业务应用): "使用kubectl
  drain 命令"
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import Manifest, RuleContext, Violation, rule


@rule(
    id="pdb-missing-policy",
    severity="error",
    kinds=("PodDisruptionBudget",),
    summary="a PodDisruptionBudget sets neither or both of minAvailable and maxUnavailable",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.get(("spec",))
    if spec is None:
        spec = {}
    if not isinstance(spec, Mapping):
        return  # malformed: schema validation reports it
    budget = f"PodDisruptionBudget {obj.display_name or '?'!r}"
    has_min = spec.get("minAvailable") is not None
    has_max = spec.get("maxUnavailable") is not None
    if has_min and has_max:
        yield ctx.violation(
            ("spec", "maxUnavailable"),
            f"{budget} sets both minAvailable ({spec['minAvailable']}) and"
            f" maxUnavailable ({spec['maxUnavailable']}): the API server"
            " rejects it; keep one",
        )
    elif not has_min and not has_max:
        if obj.api_version == "policy/v1beta1":
            effect = "policy/v1beta1 defaults it to minAvailable 1"
        else:
            effect = "it protects no pod: a drain may evict them all at once"
        # Accepted by the API server: a risk to fix, not a rejection.
        yield ctx.violation(
            ("spec", "maxUnavailable"),
            f"{budget} sets neither minAvailable nor maxUnavailable: {effect};"
            " set maxUnavailable (e.g. 1) or minAvailable",
            severity="warning",
        )
