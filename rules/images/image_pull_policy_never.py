"""## What it does
Reports a container or init container with `imagePullPolicy: Never`.

With the option `require-always` (off by default) it also reports, as info, every
container whose pull policy is not `Always`: `IfNotPresent` written out, or left unset
for an image with a tag other than `latest` or with a digest (the API server then
defaults it to `IfNotPresent`; an image without a tag, or tagged `latest`, defaults to
`Always` and is not reported).

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

Why some teams require `Always`: with `IfNotPresent` a pod runs whatever image the node
already holds under that name. In a cluster shared between teams, a pod scheduled onto a
node that cached another team's private image runs it without presenting any
`imagePullSecrets` (the reason the `AlwaysPullImages` admission plugin exists), and a tag
that was pushed again keeps running its old build on nodes that cached it. With `Always`
the kubelet asks the registry for the digest on every container start (with the pod's
credentials) and only downloads layers it lacks, so it costs a registry round trip, not a
pull, and a registry outage stops new containers from starting. Whether that trade is
worth it depends on the cluster, hence the opt-in.

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

## Options
- `require-always` (boolean, default false): also report, as info, containers whose
  effective pull policy is `IfNotPresent` (kube-score's `container-image-pull-policy`).
  The fix for `Never` then writes `Always` instead of `IfNotPresent`.

## References
- https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
- https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#alwayspullimages
- https://kubernetes.io/docs/concepts/containers/images/#imagepullbackoff
- Source notes 001 (pod 镜像拉取策略有哪几种？)
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Fix, Manifest, RuleContext, Violation, rule

from ._reference import ImageReference, parse_image

ALWAYS, IF_NOT_PRESENT = "Always", "IfNotPresent"


def default_policy(image: ImageReference) -> str:
    """The pull policy the API server gives a container that sets none
    (SetDefaults_Container): Always for the tag latest, or for no tag and no digest (which
    means latest); IfNotPresent otherwise."""
    tag = image.tag
    if tag is None:
        tag = "" if image.digest is not None else "latest"
    return ALWAYS if tag == "latest" else IF_NOT_PRESENT


@rule(
    id="image-pull-policy-never",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    fixable=True,
    summary="a container never pulls its image and fails on nodes that lack it",
    options={
        "require-always": {
            "type": "boolean",
            "default": False,
            "description": "also report (as info) containers whose effective pull policy is"
            " not Always",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    require_always = ctx.options.get("require-always") is True
    better = ALWAYS if require_always else IF_NOT_PRESENT
    for ref in obj.containers():
        policy = ref.container.get("imagePullPolicy")
        image = ref.container.get("image")
        if policy == "Never":
            shown = f"image {image!r}" if isinstance(image, str) and image else "its image"
            yield ctx.violation(
                (*ref.path, "imagePullPolicy"),
                f"{ref.label} has imagePullPolicy Never: on any node without"
                f" {shown} preloaded the container fails with"
                f" ErrImageNeverPull; use {better}",
                fix=Fix((*ref.path, "imagePullPolicy"), better),
            )
        elif require_always and policy == IF_NOT_PRESENT:
            yield ctx.violation(
                (*ref.path, "imagePullPolicy"),
                f"{ref.label} has imagePullPolicy IfNotPresent: a node that"
                " cached the image runs it without checking the registry"
                " or the pod's pull credentials; use Always",
                severity="info",
            )
        elif (
            require_always
            and policy is None
            and isinstance(image, str)
            and (parsed := parse_image(image)) is not None
            and default_policy(parsed) == IF_NOT_PRESENT
        ):
            yield ctx.violation(
                (*ref.path, "image"),
                f"{ref.label} sets no imagePullPolicy, so image {image!r}"
                " gets IfNotPresent: a node that cached it runs it without"
                " checking the registry or the pod's pull credentials; set"
                " imagePullPolicy: Always",
                severity="info",
            )
