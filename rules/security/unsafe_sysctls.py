"""## What it does
Reports an entry of the pod's `securityContext.sysctls` that is not one of the Kubernetes
*safe* sysctls of the target Kubernetes version:

| sysctl | safe since |
|---|---|
| `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`, `net.ipv4.tcp_syncookies` | 1.11 |
| `net.ipv4.ping_group_range` | 1.18 |
| `net.ipv4.ip_unprivileged_port_start` | 1.22 |
| `net.ipv4.ip_local_reserved_ports` | 1.27 |
| `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_keepalive_intvl` | 1.29 |
| `net.ipv4.tcp_keepalive_probes`, `net.ipv4.tcp_fin_timeout` | 1.29 |
| `net.ipv4.tcp_rmem`, `net.ipv4.tcp_wmem` | 1.32 |

Names written with slashes (`net/ipv4/tcp_syncookies`) are read as the kubelet reads them.
The option `allowed` lists further sysctls your nodes allow (`--allowed-unsafe-sysctls`);
an entry ending in `*` allows a prefix, as the kubelet's flag does.

## Why is this bad?
Safe sysctls are namespaced and isolated: they change only the pod's own kernel view. Any
other sysctl is either not namespaced at all (it would change the whole node: memory,
scheduling, every other pod) or is namespaced but can starve or disturb the node (huge
socket buffers, conntrack tables). The kubelet refuses them unless the node administrator
allows them with `--allowed-unsafe-sysctls`: the pod is scheduled, then fails with
`SysctlForbidden` on every node that does not allow it, and stays failed. The Pod Security
Standards *baseline* level allows only the safe set.

## Example
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: tuned
spec:
  securityContext:
    sysctls:
      - name: net.core.somaxconn
        value: "4096"
  containers:
    - name: app
      image: registry.example.com/app:1.0
```

## Use instead
```yaml
apiVersion: v1
kind: Pod
metadata:
  name: tuned
spec:
  securityContext:
    sysctls:
      - name: net.ipv4.ip_local_port_range
        value: "1024 65000"
  containers:
    - name: app
      image: registry.example.com/app:1.0
```

## Options
- `allowed` (list of strings, default `[]`): sysctls your nodes allow besides the safe set
  (what their kubelets' `--allowed-unsafe-sysctls` lists); `net.core.*` allows a prefix.

## References
- https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule

#: safe sysctl -> the Kubernetes minor version that made it safe
SAFE = {
    "kernel.shm_rmid_forced": 11,
    "net.ipv4.ip_local_port_range": 11,
    "net.ipv4.tcp_syncookies": 11,
    "net.ipv4.ping_group_range": 18,
    "net.ipv4.ip_unprivileged_port_start": 22,
    "net.ipv4.ip_local_reserved_ports": 27,
    "net.ipv4.tcp_keepalive_time": 29,
    "net.ipv4.tcp_fin_timeout": 29,
    "net.ipv4.tcp_keepalive_intvl": 29,
    "net.ipv4.tcp_keepalive_probes": 29,
    "net.ipv4.tcp_rmem": 32,
    "net.ipv4.tcp_wmem": 32,
}


def canonical(name: str) -> str:
    """The dotted form: a name whose first separator is ``/`` has ``.`` and ``/``
    swapped (``net/ipv4/conf/eth0.100/rp_filter`` is ``net.ipv4.conf.eth0/100.rp_filter``),
    as the kubelet converts it."""
    first = next((c for c in name if c in "./"), ".")
    if first == "/":
        return name.translate(str.maketrans("./", "/."))
    return name


def _allowed(name: str, patterns: list[str]) -> bool:
    for pattern in patterns:
        pattern = canonical(pattern)
        if pattern.endswith("*"):
            if name.startswith(pattern[:-1]):
                return True
        elif name == pattern:
            return True
    return False


@rule(
    id="unsafe-sysctls",
    severity="error",
    kinds=POD_SPEC_KINDS,
    summary="a pod sets a sysctl outside the safe set",
    options={
        "allowed": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "sysctls allowed besides the safe set (as the kubelet's"
            " --allowed-unsafe-sysctls; a trailing * allows a prefix)",
        }
    },
    controls=("pss:baseline/sysctls",),
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if spec_path is None or spec is None:
        return
    pod_sc = spec.get("securityContext")
    sysctls = pod_sc.get("sysctls") if isinstance(pod_sc, Mapping) else None
    if not isinstance(sysctls, list):
        return
    allowed = ctx.options.get("allowed")
    patterns = (
        [item for item in allowed if isinstance(item, str)] if isinstance(allowed, list) else []
    )
    minor = ctx.kubernetes_minor
    for index, entry in enumerate(sysctls):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
            continue
        raw = entry["name"]
        name = canonical(raw)
        since = SAFE.get(name)
        if since is not None and since <= minor:
            continue
        if _allowed(name, patterns):
            continue
        if since is not None:
            why = f"is only safe from Kubernetes 1.{since} (target {ctx.kubernetes_version})"
        else:
            why = "is not a safe sysctl"
        yield ctx.violation(
            (*spec_path, "securityContext", "sysctls", index, "name"),
            f"{obj.kind} {obj.display_name or '?'!r} sets sysctl {raw!r}, which"
            f" {why}: the kubelet rejects the pod (SysctlForbidden) unless"
            " the node allows it; add it to the option 'allowed' if your"
            " nodes do",
        )
