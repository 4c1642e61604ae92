#!/usr/bin/env python3
"""Benchmark: how kubelint's cost grows on a generated platform monorepo.

Usage: python bench/monorepo.py [OBJECTS ...] [--jobs N] [--keep DIR] [--per-namespace N]

For each size (default 4000 20000), writes a repository of that many objects: apps in
several namespaces (20 apps per namespace, or N: a large N puts every app in one
namespace, the worst case for cross-resource rules), each app a directory with a Deployment, a
Service, a PodDisruptionBudget, a HorizontalPodAutoscaler, a ConfigMap its pods read and
a NetworkPolicy, so every cross-resource rule has work. Then it times, alternating so that
machine noise hits both alike:

  * the floor: ../shared/bench/parse_floor.py on the repository (PyYAML's C loader);
  * kubelint: `python -m kubelint check REPO --format json --no-config --no-cache
    --jobs N` (whole process; N from --jobs, default 1).

It prints the seconds of each and their ratio per size; a flat ratio means linear cost.
This is a benchmark, not a test: figures go in notes, never in assertions.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from measure import floor_seconds, kubelint_command, run

APPS_PER_NAMESPACE = 20
OBJECTS_PER_APP = 6

APP = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {app}, namespace: {ns}, labels: {{app: {app}, team: t{team}}}}}
spec:
  replicas: 3
  selector: {{matchLabels: {{app: {app}}}}}
  template:
    metadata: {{labels: {{app: {app}, team: t{team}, tier: web}}}}
    spec:
      containers:
        - name: {app}
          image: registry.example.com/{app}:1.{team}
          ports: [{{name: http, containerPort: 8080}}]
          envFrom: [{{configMapRef: {{name: {app}-config}}}}]
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
            limits: {{cpu: 500m, memory: 256Mi}}
          readinessProbe: {{httpGet: {{path: /ready, port: http}}}}
          livenessProbe: {{httpGet: {{path: /live, port: http}}, initialDelaySeconds: 10}}
---
apiVersion: v1
kind: Service
metadata: {{name: {app}, namespace: {ns}}}
spec:
  selector: {{app: {app}}}
  ports: [{{name: http, port: 80, targetPort: http}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: {app}, namespace: {ns}}}
spec:
  maxUnavailable: 1
  selector: {{matchLabels: {{app: {app}}}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: {app}, namespace: {ns}}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {app}}}
  minReplicas: 3
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 70}}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: {app}-config, namespace: {ns}}}
data: {{LOG_LEVEL: info}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: {app}, namespace: {ns}}}
spec:
  podSelector: {{matchLabels: {{app: {app}}}}}
  policyTypes: [Ingress]
  ingress: [{{from: [{{podSelector: {{matchLabels: {{tier: web}}}}}}]}}]
"""


def generate(root: Path, objects: int, per_namespace: int = APPS_PER_NAMESPACE) -> None:
    apps = max(objects // OBJECTS_PER_APP, 1)
    for number in range(apps):
        namespace = f"ns{number // per_namespace}"
        app = f"app{number}"
        folder = root / namespace / app
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "app.yaml").write_text(APP.format(app=app, ns=namespace, team=number % 7))


def main(argv: list[str]) -> int:
    jobs = argv[argv.index("--jobs") + 1] if "--jobs" in argv else "1"
    keep = Path(argv[argv.index("--keep") + 1]) if "--keep" in argv else None
    per_namespace = (
        int(argv[argv.index("--per-namespace") + 1])
        if "--per-namespace" in argv
        else APPS_PER_NAMESPACE
    )
    options = {jobs, str(per_namespace) if "--per-namespace" in argv else None}
    sizes = [int(a) for a in argv[1:] if a.isdigit() and a not in options] or [4000, 20000]
    print(f"{'objects':>8} {'floor s':>8} {'kubelint s':>10} {'ratio':>6}   (--jobs {jobs})")
    for size in sizes:
        with tempfile.TemporaryDirectory() as scratch:
            repo = (keep / str(size)) if keep else Path(scratch)
            generate(repo, size, per_namespace)
            floor = floor_seconds(str(repo))
            ours, _ = run(kubelint_command(str(repo), "--jobs", jobs, "--no-cache"))
            print(f"{size:>8} {floor:>8.2f} {ours:>10.2f} {ours / floor:>6.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
