"""Session-wide settings: the CLI's cache (on by default) writes its signing key and
entries under a temporary directory, never in the user's home or the checkout."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    patch = pytest.MonkeyPatch()
    home = tmp_path_factory.mktemp("cache-home")
    patch.setenv("XDG_CACHE_HOME", str(home))
    patch.setenv("KUBELINT_CACHE_DIR", str(home / "kubelint-cache"))
    yield
    patch.undo()
