"""The image rules' one reading of an image reference (rules/images/_reference.py)."""

from __future__ import annotations

import pytest
from kubelint.rules.images._reference import ImageReference, parse_image


@pytest.mark.parametrize(
    ("image", "parts", "registry", "repository"),
    [
        ("nginx", ("", "nginx", None, None), "docker.io", "library/nginx"),
        ("nginx:1.27", ("", "nginx", "1.27", None), "docker.io", "library/nginx"),
        ("docker.io/nginx", ("docker.io", "nginx", None, None), "docker.io", "library/nginx"),
        (
            "index.docker.io/org/app:v1",
            ("index.docker.io", "org/app", "v1", None),
            "docker.io",
            "org/app",
        ),
        # A port is not a tag; only the last path component carries one.
        ("localhost:5000/app", ("localhost:5000", "app", None, None), "localhost:5000", "app"),
        ("localhost/app:1", ("localhost", "app", "1", None), "localhost", "app"),
        (
            "ghcr.io/org/team/app:1.2@sha256:ab",
            ("ghcr.io", "org/team/app", "1.2", "sha256:ab"),
            "ghcr.io",
            "org/team/app",
        ),
        # No slash: the first component is a repository of Docker Hub, and 5000 its tag.
        ("myhost:5000", ("", "myhost", "5000", None), "docker.io", "library/myhost"),
        # Upper case cannot start a repository path: a registry host.
        ("Registry/app", ("Registry", "app", None, None), "Registry", "app"),
        # An empty tag is a tag (a wrong one), not a missing one.
        ("app:", ("", "app", "", None), "docker.io", "library/app"),
    ],
)
def test_parse_image(image: str, parts: tuple[object, ...], registry: str, repository: str) -> None:
    parsed = parse_image(image)
    assert parsed == ImageReference(*parts)
    assert (parsed.registry, parsed.repository) == (registry, repository)


@pytest.mark.parametrize(
    "image",
    ["<your-image>", "${IMAGE}", "ko://github.com/org/cmd/app", "ko://example.com/app:v1", ""],
)
def test_not_a_reference(image: str) -> None:
    assert parse_image(image) is None
