"""Each test of the on-disk caches gets a cache key of its own: a user cache folder in tmp_path
and no key from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoutgen.cache import secret


@pytest.fixture
def user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's cache folder (``$XDG_CACHE_HOME``) for this test; the key is made there."""
    home = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv(secret.ENV, raising=False)
    secret.forget()
    yield home
    secret.forget()
