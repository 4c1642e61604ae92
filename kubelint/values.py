"""How rules read values written for people and tools rather than for the API server:
template placeholders, image references that a build tool rewrites, base64 text and
node paths. One definition each, so that every rule skips or parses them alike."""

from __future__ import annotations

import posixpath
import re

from kubelint.patterns import lazy_compile

#: A placeholder left for a tool or a reader to fill in: ``${VAR}``, ``{{ .Values.x }}``,
#: ``<node-hostname>``, ``%{var}``. Only complete tokens count, so ``a<b`` is not one.
_PLACEHOLDER = lazy_compile(r"\$\{[^{}]*\}|\{\{.*?\}\}|<[^<>\s][^<>]*>|%\{[^{}]*\}")


def has_placeholder(text: str) -> bool:
    """Does ``text`` contain a template placeholder (``${VAR}``, ``{{ .x }}``,
    ``<your-value>``, ``%{var}``)? Such values are filled in before the manifest reaches
    the API server, so the rules that check syntax skip them."""
    return _PLACEHOLDER.search(text) is not None


#: The characters of an image reference (registry, path, tag and digest).
_IMAGE_REFERENCE = lazy_compile(r"[A-Za-z0-9][A-Za-z0-9._/:@+-]*")


def is_image_reference(image: str) -> bool:
    """Is ``image`` a container image reference as written for the runtime?

    Not: placeholders (``<your-image>``, ``${IMAGE}``) and build-tool references that a
    tool replaces before applying, such as ko's ``ko://github.com/org/cmd/app`` (any
    ``scheme://``: a runtime reference never contains ``://``)."""
    return "://" not in image and _IMAGE_REFERENCE.fullmatch(image) is not None


_BASE64 = lazy_compile(r"[A-Za-z0-9+/]*={0,2}")


def base64_problem(text: str) -> str | None:
    """Why the API server cannot decode ``text`` as the base64 of a ``[]byte`` field
    (Secret ``data``, ConfigMap ``binaryData``, ``caBundle``), or None when it can.

    The API server decodes with Go's padded standard encoding, which skips line breaks
    (``\\r``, ``\\n``) and rejects anything else outside ``A-Z a-z 0-9 + /``, a missing
    or misplaced ``=`` padding, and a length that is not a multiple of 4."""
    compact = text.replace("\r", "").replace("\n", "")
    if not _BASE64.fullmatch(compact):
        for char in compact:
            if not (char.isascii() and (char.isalnum() or char in "+/=")):
                if char in "-_":
                    return (
                        f"contains {char!r}: it is URL-safe base64, and the API server"
                        " only decodes the standard alphabet ('+' and '/')"
                    )
                shown = "a space" if char == " " else repr(char)
                return f"contains {shown}, which is not a base64 character"
        return "has '=' padding before its end"
    if len(compact) % 4:
        return (
            f"is {len(compact)} base64 characters long, not a multiple of 4 (missing '=' padding?)"
        )
    return None


def normalise_host_path(path: str) -> str | None:
    """An absolute POSIX path without ``//``, ``.``, ``..`` or a trailing slash; None for
    anything that is not an absolute POSIX path (a Windows path, a relative one)."""
    if not path.startswith("/"):
        return None
    return posixpath.normpath(re.sub(r"/+", "/", path))


#: hostPath types that are not directories.
FILE_TYPES = frozenset({"File", "FileOrCreate", "Socket", "CharDevice", "BlockDevice"})
DIRECTORY_TYPES = frozenset({"Directory", "DirectoryOrCreate"})
#: Name endings of files that are mounted one by one (sockets, configuration, certificates).
FILE_SUFFIXES = (
    ".sock",
    ".socket",
    ".conf",
    ".cfg",
    ".config",
    ".crt",
    ".pem",
    ".cer",
    ".key",
    ".json",
    ".yaml",
    ".yml",
    ".toml",
    ".ini",
    ".env",
    ".lock",
    ".kubeconfig",
)
#: File names without such an ending that are files on every Linux node.
FILE_NAMES = frozenset(
    {
        "localtime",
        "timezone",
        "machine-id",
        "hostname",
        "hosts",
        "passwd",
        "group",
        "shadow",
        "os-release",
        "kubeconfig",
    }
)


def looks_like_file(path: str) -> bool:
    """Does a node path name a single file by its shape (``/var/run/docker.sock``,
    ``/etc/ssl/certs/ca-bundle.crt``, ``/etc/localtime``)? Directories rarely carry these
    endings; ``csi.example.io`` does not count."""
    name = path.rstrip("/").rpartition("/")[2]
    return name in FILE_NAMES or name.endswith(FILE_SUFFIXES)


def host_path_is_file(path: str, host_path_type: object) -> bool:
    """Does a hostPath volume mount a single file (or socket, or device) rather than a
    directory? Its ``type`` says so when set; otherwise the path's shape decides."""
    if host_path_type in FILE_TYPES:
        return True
    if host_path_type in DIRECTORY_TYPES:
        return False
    return looks_like_file(path)
