"""## What it does
Reports a Deployment whose `spec.strategy.type` is `Recreate`.

A Deployment whose pods mount a PersistentVolumeClaim is not reported, unless that claim
is in the input (in the Deployment's namespace) and can be mounted on several nodes
(`ReadWriteMany` or `ReadOnlyMany`): a `ReadWriteOnce` volume attaches to one node at a
time (a `ReadWriteOncePod` one to one pod), so during a rolling update the new pod would
wait for the volume that the old pod still holds, and the rollout would hang. `Recreate` is
the right strategy there. A claim that is not in the input is taken to be such a volume.

## Why is this bad?
With `Recreate` the Deployment controller scales the old ReplicaSet to zero and waits for
all of its pods to terminate before it creates any new pod: every rollout (a new image, a
changed ConfigMap reference, any template edit) is an outage that lasts as long as the
new pods take to pull, start and become ready, and a new version that fails to start
leaves nothing running. The default `RollingUpdate` replaces pods a few at a time
(`maxSurge`, `maxUnavailable`) and keeps the old ones serving until the new ones are
ready. The source notes describe both strategies (004, "deployment升级过程": Recreate
"会先杀掉所有正在运行的Pod，然后创建新的Pod") and conclude "recreate会中断业务，一般使用
rollingupdate".

Keep `Recreate` (and silence the rule for the object) only where two versions must never
run at once: a singleton without leader election, or a schema migration that old pods
cannot survive.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  strategy:
    type: Recreate
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
```

## References
- https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy
- https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes
- Source notes 004 (deployment升级过程: Recreate and RollingUpdate, "recreate会中断业务");
  also 001 (deployment 的更新升级策略有哪些？)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import Manifest, RuleContext, Violation, rule

STRATEGY_TYPE = ("spec", "strategy", "type")
#: Access modes that let a volume be mounted on several nodes at once.
MULTI_NODE_MODES = frozenset({"ReadWriteMany", "ReadOnlyMany"})


def _claim_names(spec: Mapping[str, Any]) -> Iterator[str]:
    volumes = spec.get("volumes")
    if not isinstance(volumes, list):
        return
    for volume in volumes:
        if not isinstance(volume, Mapping):
            continue
        claim = volume.get("persistentVolumeClaim")
        if isinstance(claim, Mapping):
            name = claim.get("claimName")
            if isinstance(name, str) and name:
                yield name


def _multi_node(claim: Manifest | None) -> bool:
    """Can the claim be mounted on several nodes? Unknown claims are taken not to be."""
    if claim is None:
        return False
    modes = claim.get(("spec", "accessModes"))
    return isinstance(modes, list) and any(
        isinstance(mode, str) and mode in MULTI_NODE_MODES for mode in modes
    )


@rule(
    id="deployment-strategy-recreate",
    severity="info",
    kinds=("Deployment",),
    summary="a Deployment is recreated on every rollout, which stops all its pods first",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if obj.get(STRATEGY_TYPE) != "Recreate":
        return
    spec = obj.pod_spec() or {}
    namespace = ctx.namespace_of(obj)
    for name in _claim_names(spec):
        if not _multi_node(ctx.index.get("PersistentVolumeClaim", name, namespace)):
            return  # a single-node volume: a rolling update would hang on it
    yield ctx.violation(
        STRATEGY_TYPE,
        f"Deployment {obj.display_name or '?'!r} uses the Recreate strategy: all"
        " its"
        " pods are stopped before any new one starts, so it is down"
        " during every rollout",
    )
