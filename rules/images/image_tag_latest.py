"""## What it does
Reports a container or init container whose `image` has no tag (`nginx`,
`registry.example.com:5000/team/app`), the tag `latest` (`nginx:latest`), or another tag
that names a branch or a release channel rather than a build (`master`, `main`, `dev`,
`edge`, `nightly`, `stable`, ...: the option `mutable-tags`). An image pinned by digest
(`nginx@sha256:...`, with or without a tag before the `@`) is never reported.

The reference is parsed as container runtimes parse it: the tag is what follows the last
`:` of the last path component, so a registry port is not a tag
(`localhost:5000/app` has no tag; `registry.example.com:443/team/app:1.2` has the tag
`1.2`). Tags are case-sensitive. A tag made of such words and variant names with no
version number in it moves too and is reported (`master-head`, `stable-alpine`,
`latest-slim`); one that carries a number is not (`1.4-dev`, `stable-2024.06`,
`dev-3f2a9c1`). Strings that are not image references are skipped: placeholders left for the
reader (`<your-image>`, `${IMAGE}`) and build references that a tool replaces with a
pinned image before applying, such as ko's `ko://knative.dev/serving/cmd/activator` (any
`scheme://`, which no runtime accepts).

Build tools that rewrite images before applying (skaffold, kustomize's `images:`) let
manifests use bare names such as `image: frontend`; they are reported, since the file as
written pulls `frontend:latest`. Exclude such files in `.kubelint.yaml` (`exclude`, or an
`overrides` entry turning the rule off) when a tool always rewrites them.

## Why is this bad?
An image without a tag means `:latest`, and `latest` is only a moving label: which
build a pod runs depends on when and where it was pulled. Branch and channel tags
(`master`, `nightly`, `stable`) move the same way: every push or release re-points them.
Two replicas of one Deployment can run different code, a rollback to the "previous"
manifest does not bring the previous code back (the manifest did not change), and nothing
records which version is deployed.

Kubernetes also changes the pull policy for these images: when `imagePullPolicy` is not
set it defaults to `Always` for an image without a tag or with `:latest` (to
`IfNotPresent` otherwise), so every pod start depends on the registry being reachable and
may silently pick up a new build. The source notes (001, "pod 镜像拉取策略有哪几种？") list
the three pull policies and give `IfNotPresent` as the default; that default only holds
for images with a fixed tag. Upgrades are done by changing the image's version in the
manifest (001, "deployment 更新的命令有哪些？": "直接修改 yaml 文件的镜像版本", or
`kubectl set image ... nginx=nginx:1.9.1`), which only works when the version is written
there.

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
      initContainers:
        - name: wait-for-db
          image: busybox
      containers:
        - name: web
          image: registry.example.com:5000/shop/web:latest
```

## Use instead
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
      initContainers:
        - name: wait-for-db
          image: busybox@sha256:9d75f0d7c398df565d7ac04c6819b62d6d8f9560f5eb4672596ecd8f7e96ae91
      containers:
        - name: web
          image: registry.example.com:5000/shop/web:2.4.1
```

## Options
- `mutable-tags` (list of strings, default `["master", "main", "head", "trunk", "dev",
  "devel", "develop", "development", "edge", "nightly", "canary", "snapshot", "unstable",
  "stable"]`): tags besides `latest` that move; `[]` reports only `latest` and images
  without a tag.

## References
- https://kubernetes.io/docs/concepts/containers/images/#image-names
- https://kubernetes.io/docs/concepts/containers/images/#imagepullpolicy-defaulting
- https://kubernetes.io/docs/concepts/configuration/overview/#container-images
- Source notes 001 (pod 镜像拉取策略有哪几种？; deployment 更新的命令有哪些？)
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, rule

from ._reference import parse_image

#: Tags that name a branch or a release channel: every push or release re-points them.
MUTABLE_TAGS = [
    "master",
    "main",
    "head",
    "trunk",
    "dev",
    "devel",
    "develop",
    "development",
    "edge",
    "nightly",
    "canary",
    "snapshot",
    "unstable",
    "stable",
]


def is_moving(tag: str, words: set[str]) -> bool:
    """Does ``tag`` name a branch or channel: one of ``words``, or such a word followed by
    variant names with no version number (``master-head``, ``stable-alpine``)?"""
    if tag in words:
        return True
    return tag.split("-", 1)[0] in words and not any(char.isdigit() for char in tag)


@rule(
    id="image-tag-latest",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    summary="an image has no tag, the tag latest, or another moving tag",
    options={
        "mutable-tags": {
            "type": "array",
            "items": {"type": "string"},
            "default": MUTABLE_TAGS,
            "description": "tags besides latest that move (branch and channel names)",
        }
    },
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    configured = ctx.options.get("mutable-tags")
    words = (
        {tag for tag in configured if isinstance(tag, str)}
        if isinstance(configured, list)
        else set(MUTABLE_TAGS)
    )
    words.add("latest")
    for ref in obj.containers():
        image = ref.container.get("image")
        parsed = parse_image(image) if isinstance(image, str) else None
        if parsed is None:
            continue  # missing, malformed, a placeholder or a build reference (ko://)
        if parsed.digest is not None:
            continue  # pinned by digest: the tag, if any, is ignored by the runtime
        tag = parsed.tag
        if tag is None:
            yield ctx.violation(
                (*ref.path, "image"),
                f"{ref.label} image {image!r} has no tag, so it means"
                " ':latest'; pin a version (or a digest)",
            )
        elif is_moving(tag, words):
            yield ctx.violation(
                (*ref.path, "image"),
                f"{ref.label} image {image!r} uses the moving tag"
                f" {tag!r}; pin a version (or a digest)",
            )
