"""The environment kubelint runs other tools in (helm, kustomize): nothing they try can
reach the network. kubelint never asks them to fetch; this is the belt to those braces."""

from __future__ import annotations

import os

#: A proxy at a port nothing listens on: an HTTP(S) request fails at once, not after a
#: DNS lookup or a connect timeout.
CLOSED_PROXY = "http://127.0.0.1:9"


def offline_environment(**extra: str) -> dict[str, str]:
    """``os.environ`` with every proxy pointing at a closed port, and git unable to
    prompt, open ssh or use any transport but local files; plus ``extra``."""
    env = dict(os.environ)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env[name] = env[name.lower()] = CLOSED_PROXY
    env["NO_PROXY"] = env["no_proxy"] = ""
    env.update(GIT_TERMINAL_PROMPT="0", GIT_SSH_COMMAND="false", GIT_ALLOW_PROTOCOL="file")
    env.update(extra)
    return env
