"""The one reading of a container image reference that the image rules share.

A reference is ``[registry[:port]/]path[:tag][@digest]`` (the Docker reference grammar
of ``distribution/reference``, which the kubelet and the container runtimes use). The
split follows that grammar but does not validate it: the rules skip what is not a
reference at all (``is_image_reference``: placeholders, ``ko://`` build references), and
report a reference whose tag or digest is wrong rather than pass it over.
"""

from __future__ import annotations

from typing import NamedTuple

from kubelint.api import is_image_reference

DOCKER_HUB = "docker.io"
#: Names of Docker Hub's registry, all read as docker.io.
DOCKER_HUB_ALIASES = ("docker.io", "index.docker.io", "registry-1.docker.io")


class ImageReference(NamedTuple):
    """An image reference split into its parts, as written."""

    #: The registry host (with its port) as written; "" when there is none (Docker Hub).
    host: str
    #: The repository path on that registry: ``org/app``, ``nginx``.
    path: str
    #: The tag; None when there is none (which means ``latest``, unless there is a
    #: digest).
    tag: str | None
    #: What follows the ``@`` (``sha256:<hex>``); None when there is no ``@``.
    digest: str | None

    @property
    def registry(self) -> str:
        """The registry, Docker Hub's aliases and default read as ``docker.io``."""
        return DOCKER_HUB if not self.host or self.host in DOCKER_HUB_ALIASES else self.host

    @property
    def repository(self) -> str:
        """The repository on ``registry``, with Docker Hub's ``library/`` for official
        images: ``nginx:1.27`` -> ``library/nginx``."""
        if self.registry == DOCKER_HUB and "/" not in self.path:
            return f"library/{self.path}"
        return self.path


def parse_image(image: str) -> ImageReference | None:
    """The parts of ``image``; None when it is not a reference as the runtime reads one
    (a placeholder, a build reference such as ``ko://...``)."""
    if not is_image_reference(image):
        return None
    name, at, digest = image.partition("@")
    # A first component is a registry host when it looks like one (a dot, a port,
    # localhost, or upper case, which repository paths cannot have); else it is Docker Hub.
    head, slash, rest = name.partition("/")
    if slash and ("." in head or ":" in head or head == "localhost" or head != head.lower()):
        host, path = head, rest
    else:
        host, path = "", name
    # Only the last path component carries a tag: host:5000/app has none. An empty tag
    # (``app:``) is a tag, if a wrong one.
    before, colon, tag = path.rpartition(":")
    if colon and "/" not in tag:
        return ImageReference(host, before, tag, digest if at else None)
    return ImageReference(host, path, None, digest if at else None)
