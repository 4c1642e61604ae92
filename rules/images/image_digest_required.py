"""## What it does
Reports a container or init container whose image is not pinned by a digest
(`registry.example.com/web@sha256:<64 hex digits>`, with or without a tag before the
`@`). A reference whose digest is malformed (a short or non-hex `sha256`, an unknown
algorithm) is reported too. Strings that are not image references (placeholders such as
`<your-image>`, `${IMAGE}`, and build references such as ko's `ko://...`, which the tool
replaces before applying) are skipped.

The rule is off by default: pinning every image by digest needs tooling (Renovate,
kustomize `images:`, a CI step that resolves tags) to keep the digests current.

## Why is this bad?
A tag, even a version tag such as `1.27.1`, is a mutable pointer: the publisher (or
anyone who takes over the repository) can push a different image under it, and a node
pulls whatever the tag points to when it starts a pod. Two replicas can run different
bytes, a rollback may not restore the code that ran before, and a compromised registry
ships its image into the cluster at the next pod start. A digest names exactly one image:
what was reviewed and scanned is what runs.

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
          image: nginx:1.27.1
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
      containers:
        - name: web
          image: nginx@sha256:9d75f0d7c398df565d7ac04c6819b62d6d8f9560f5eb4672596ecd8f7e96ae91
```

## References
- https://kubernetes.io/docs/concepts/containers/images/#image-names
- https://kubernetes.io/docs/concepts/containers/images/#updating-images
"""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.api import POD_SPEC_KINDS, Manifest, RuleContext, Violation, lazy_compile, rule

from ._reference import parse_image

#: The digests the OCI image spec registers.
_DIGEST = lazy_compile(r"sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}")


@rule(
    id="image-digest-required",
    severity="warning",
    kinds=POD_SPEC_KINDS,
    enabled=False,
    summary="an image is not pinned by digest",
)
def check(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    for ref in obj.containers():
        image = ref.container.get("image")
        parsed = parse_image(image) if isinstance(image, str) else None
        if parsed is None:
            continue  # missing, malformed, a placeholder or a build reference (ko://)
        digest = parsed.digest
        if digest is None:
            yield ctx.violation(
                (*ref.path, "image"),
                f"{ref.label} image {image!r} is not pinned by digest; use {image}@sha256:<digest>",
            )
        elif not _DIGEST.fullmatch(digest):
            yield ctx.violation(
                (*ref.path, "image"),
                f"{ref.label} image {image!r} has the malformed digest"
                f" {digest!r} (expected sha256: and 64 hex digits)",
            )
