"""## What it does
Reports a pod spec that sets `hostNetwork`, `hostPID` or `hostIPC` to `true`, one finding
per field, in Pods, pod templates of workloads and CronJobs.

## Why is this bad?
Each field makes the pod share one of the node's Linux namespaces instead of getting its
own:

- `hostNetwork: true`: the pod uses the node's network stack. It can bind any port of the
  node, sniff the traffic of every pod on it, reach services listening on `localhost` of
  the node (the kubelet's read-only port, node-local agents), and NetworkPolicies do not
  apply to it. The API server also defaults every `containerPort` to a `hostPort`, so two
  replicas cannot share a node.
- `hostPID: true`: the pod sees every process of the node. It can read their environment
  and command lines (secrets passed as arguments), and with `ptrace` or as root signal or
  inspect them, including the kubelet and other pods' containers.
- `hostIPC: true`: the pod shares the node's System V IPC and POSIX shared memory, so it
  can read or corrupt the shared memory of other processes on the node.

The Pod Security Standards forbid all three from the *baseline* level up. Only node agents
(CNI plugins, node exporters, kube-proxy) need them; silence the rule for such an object
with the annotation `kubelint.io/ignore: host-namespace`. A Windows HostProcess pod must
set `hostNetwork: true`; `windows-host-process` reports the HostProcess itself.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: debug
spec:
  selector:
    matchLabels: {app: debug}
  template:
    metadata:
      labels: {app: debug}
    spec:
      hostNetwork: true
      hostPID: true
      containers:
        - name: debug
          image: registry.example.com/debug:1.0
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: debug
spec:
  selector:
    matchLabels: {app: debug}
  template:
    metadata:
      labels: {app: debug}
    spec:
      containers:
        - name: debug
          image: registry.example.com/debug:1.0
          ports:
            - containerPort: 8080
```

## References
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
- https://kubernetes.io/docs/concepts/workloads/pods/#pod-networking
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule

#: field -> what sharing it gives the pod
FIELDS = {
    "hostNetwork": "the node's network stack: it can bind any node port, see all node"
    " traffic and bypasses NetworkPolicies",
    "hostPID": "the node's process namespace: it sees and can signal every process on the node",
    "hostIPC": "the node's IPC namespace: it can read and write other processes' shared memory",
}


@rule(
    id="host-namespace",
    severity="error",
    kinds=POD_SPEC_KINDS,
    summary="a pod shares the node's network, PID or IPC namespace",
    controls=("pss:baseline/host-namespaces", "cis:5.2.3", "cis:5.2.4", "cis:5.2.5"),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if spec_path is None or spec is None:
        return
    what = f"{obj.kind} {obj.display_name or '?'!r}"
    for field_name, effect in FIELDS.items():
        if spec.get(field_name) is True:
            yield ctx.violation(
                (*spec_path, field_name),
                f"{what} sets {field_name}: true, so its pods share {effect}",
            )
