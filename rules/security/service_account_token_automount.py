"""## What it does
Reports a pod (or pod template) that lets Kubernetes mount a ServiceAccount API token
into its containers: the pod spec does not set `automountServiceAccountToken: false`, and
its ServiceAccount does not set it either.

The pod's setting wins over the ServiceAccount's, as the ServiceAccount admission
controller applies them:

- `automountServiceAccountToken: false` on the pod: nothing is reported;
- `automountServiceAccountToken: true` on the pod: reported, even when the ServiceAccount
  says `false` (the pod's `true` overrides it);
- unset on the pod: the ServiceAccount decides. The ServiceAccount is the one named by
  `serviceAccountName` (or the deprecated `serviceAccount`), `default` when neither is
  set, looked up in the pod's namespace. When it is in the input with
  `automountServiceAccountToken: false`, nothing is reported; when it is in the input
  without it, or not in the input at all (the token is then mounted unless the cluster's
  copy says otherwise), the pod is reported.

## Why is this bad?
Unless told otherwise, every container of the pod gets a projected volume at
`/var/run/secrets/kubernetes.io/serviceaccount` with a bearer token for the pod's
ServiceAccount, the cluster CA and the namespace. Most applications never call the
Kubernetes API, yet anyone who gets code execution in the container (a vulnerable
dependency, a path traversal that reads files) can take that token and act on the API
server with whatever RBAC grants the ServiceAccount, which is often more than intended
(RoleBindings to `default`, aggregated ClusterRoles). The source notes (001, "各个 pod 是
如何访问 kube-api-server 的？") describe how every pod can reach the API server through
the `kubernetes` Service: the token is the only thing that stands between that and the
API. Opt out where the API is not needed and opt in (`true` on the pod, or a dedicated
ServiceAccount) only for the workloads that do need it; controllers and operators then
keep an explicit, reviewable `true` that you can silence for that object.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:2.0
```

## Use instead
```yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
automountServiceAccountToken: false
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web
      automountServiceAccountToken: false
      containers:
        - name: web
          image: registry.example.com/web:2.0
```

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
- https://kubernetes.io/docs/concepts/security/service-accounts/
- https://kubernetes.io/docs/concepts/security/rbac-good-practices/
- Source notes 001 (kube-api-server 的端口是多少？各个 pod 是如何访问 kube-api-server 的？)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule

AUTOMOUNT = "automountServiceAccountToken"


def service_account_name(spec: Mapping[str, Any]) -> str:
    """The ServiceAccount the pod runs as: serviceAccountName, else the deprecated
    serviceAccount, else ``default`` (the API server's conversion and defaulting)."""
    for field in ("serviceAccountName", "serviceAccount"):
        value = spec.get(field)
        if isinstance(value, str) and value:
            return value
    return "default"


@rule(id="service-account-token-automount", severity="warning", kinds=POD_SPEC_KINDS,
      summary="a pod gets a ServiceAccount API token mounted it probably does not need")
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec_path = obj.pod_spec_path()
    spec = obj.pod_spec()
    if spec_path is None or spec is None:
        return
    what = f"{obj.kind} {obj.name or '?'!r}"
    pod_setting = spec.get(AUTOMOUNT)
    if pod_setting is False:
        return
    if pod_setting is not None and pod_setting is not True:
        return  # malformed: schema validation reports it
    account = service_account_name(spec)
    namespace = ctx.namespace_of(obj) or ctx.index.default_namespace
    sa = ctx.index.get("ServiceAccount", account, namespace)
    sa_setting = sa.data.get(AUTOMOUNT) if sa is not None else None
    if pod_setting is True:
        overrides = (f", overriding {AUTOMOUNT}: false on ServiceAccount {account!r}"
                     if sa_setting is False else "")
        yield ctx.violation((*spec_path, AUTOMOUNT),
                            f"{what} sets {AUTOMOUNT}: true{overrides}: every container gets"
                            f" the API token of ServiceAccount {account!r}; set it to false"
                            " unless the pod calls the Kubernetes API")
        return
    if sa_setting is False:
        return
    if sa is None:
        where = f"ServiceAccount {account!r} is not in the input"
    elif sa_setting is True:
        where = f"ServiceAccount {account!r} sets {AUTOMOUNT}: true"
    else:
        where = f"ServiceAccount {account!r} does not disable it"
    yield ctx.violation((*spec_path, AUTOMOUNT),
                        f"{what} does not set {AUTOMOUNT}: false and {where}: every"
                        f" container gets the API token of ServiceAccount {account!r}; set"
                        f" {AUTOMOUNT}: false on the pod spec or the ServiceAccount")
