"""## What it does
Reports a container or init container with `imagePullPolicy: Never`.

## Why is this bad?
With `Never` the kubelet never pulls the image: it only uses an image already present in
the node's container runtime. On any node where nobody loaded the image by hand the
container does not start; the pod stays `Pending`/`Waiting` with the reason
`ErrImageNeverPull`, and the scheduler knows nothing about images, so it keeps placing
pods on such nodes. A Deployment that works on the node where the image was built breaks
as soon as a replica is scheduled elsewhere, a node is replaced, or the cluster scales up.

The source notes (001, "pod 镜像拉取策略有哪几种？") list the three pull policies and say
of `Never` that the image must be pulled onto the node manually, otherwise the pod fails
to start ("如果 node 节点不存在镜像 则 pod 启动失败"). Use `IfNotPresent` (the image is
pulled once per node) or `Always`.

`Never` has a place in local development with kind or minikube, where images are loaded
into the single node (`kind load docker-image`); silence the rule for those manifests with
`metadata.annotations: {kubelint.io/ignore: image-pull-policy-never}` on the object, or an
`overrides` entry for their files in `.kubelint.yaml`.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.8.0
          imagePullPolicy: Never
```

## Use instead
```yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.example.com/api:1.8.0
          imagePullPolicy: IfNotPresent
```

## References
- https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
- https://kubernetes.io/docs/concepts/containers/images/#imagepullbackoff
- Source notes 001 (pod 镜像拉取策略有哪几种？)
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Fix, Manifest, RuleContext, Violation, rule


@rule(id="image-pull-policy-never", severity="warning", kinds=POD_SPEC_KINDS, fixable=True,
      summary="a container never pulls its image and fails on nodes that lack it")
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    for ref in obj.containers():
        if ref.container.get("imagePullPolicy") != "Never":
            continue
        image = ref.container.get("image")
        shown = f"image {image!r}" if isinstance(image, str) and image else "its image"
        yield ctx.violation((*ref.path, "imagePullPolicy"),
                            f"{ref.label} has imagePullPolicy Never: on any node without"
                            f" {shown} preloaded the container fails with"
                            " ErrImageNeverPull; use IfNotPresent",
                            fix=Fix((*ref.path, "imagePullPolicy"), "IfNotPresent"))
