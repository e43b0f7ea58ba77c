"""On-disk caches: a value is made once and read back by later callers only while its entry is
verified (its key's digest and an HMAC under the user's key, kept outside the project); an entry
cut short, edited, planted, made for another key or signed with another key is made again, and
without a key nothing is read or written."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path

import pytest

from handoutgen.cache import secret, store
from handoutgen.cache.store import kept

VALUE = {"patterns": [1, 2, 3], "text": "Dificultad para respirar."}


def _counting(value: object = VALUE) -> tuple[list[int], object]:
    made: list[int] = []

    def make() -> object:
        made.append(1)
        return value

    return made, make


def test_made_once_then_read_back_and_made_again_when_broken(tmp_path, user_cache):
    made, make = _counting()
    assert kept(tmp_path, "x", "key", make) == VALUE
    assert kept(tmp_path, "x", "key", make) == VALUE
    assert len(made) == 1
    (entry,) = tmp_path.glob("x-*.json")
    whole = entry.read_bytes()
    for broken in (b"", whole[:-1], whole[: len(whole) // 2], b"\x00broken", whole + b"\n"):
        entry.write_bytes(broken)
        assert kept(tmp_path, "x", "key", make) == VALUE
        assert entry.read_bytes() == whole  # made again, and stored again
    assert len(made) == 6
    kept(tmp_path, "x", "another key", make)  # another key, another file
    assert len(made) == 7 and len(list(tmp_path.glob("x-*.json"))) == 2


def test_an_entry_holds_json_data_and_its_trailer(tmp_path, user_cache):
    kept(tmp_path, "x", "key", lambda: VALUE)
    (entry,) = tmp_path.glob("x-*.json")
    data = entry.read_bytes()
    assert json.loads(data[: -store.TRAILER]) == VALUE
    assert data[-store.TRAILER :].startswith(b"\n#handoutgen-cache-1 ")


def test_an_edited_entry_is_not_served(tmp_path, user_cache):
    kept(tmp_path, "x", "key", lambda: VALUE)
    (entry,) = tmp_path.glob("x-*.json")
    data = entry.read_bytes()
    entry.write_bytes(data.replace(b"respirar", b"caminar!"))  # same length, same trailer
    assert kept(tmp_path, "x", "key", lambda: VALUE) == VALUE


def _plant(entry: Path, payload: bytes, key: str, mac: str) -> None:
    named = hashlib.sha256(key.encode()).hexdigest()
    entry.write_bytes(payload + b"\n#handoutgen-cache-1 " + f"{named} {mac}\n".encode())


def test_a_planted_entry_is_not_served_whatever_hash_it_carries(tmp_path, user_cache):
    """Someone who can write .cache/ can compute any plain hash, and can sign with a key of
    their own, but not with this user's key."""
    kept(tmp_path, "x", "key", lambda: VALUE)
    (entry,) = tmp_path.glob("x-*.json")
    payload = json.dumps({"patterns": [], "text": "planted"}).encode()
    named = hashlib.sha256(b"key").hexdigest().encode()
    plain = hashlib.sha256(named + payload).hexdigest()
    other_key = hmac.new(b"k" * 32, store._MARK + named + payload, hashlib.sha256).hexdigest()
    for mac in (plain, other_key, "0" * 64):
        _plant(entry, payload, "key", mac)
        assert kept(tmp_path, "x", "key", lambda: VALUE) == VALUE


def test_an_entry_of_another_key_put_in_its_place_is_not_served(tmp_path, user_cache):
    kept(tmp_path, "x", "old sources", lambda: {"text": "old"})
    kept(tmp_path, "x", "new sources", lambda: VALUE)
    old, new = (
        next(tmp_path.glob(f"x-{store._digest(k)}.json")) for k in ("old sources", "new sources")
    )
    new.write_bytes(old.read_bytes())  # a genuine entry, for other sources
    assert kept(tmp_path, "x", "new sources", lambda: VALUE) == VALUE


def test_the_mac_is_rfc_2104_hmac_sha256(user_cache):
    named = b"n" * 64
    for secret_key in (b"k" * 32, b"long key " * 20):
        for payload in (b"", b"abc", b"y" * (store._BIG + 1)):
            expected = hmac.new(secret_key, store._MARK + named + payload, hashlib.sha256)
            assert store._mac(secret_key, named, payload) == expected.hexdigest()


def test_a_value_json_cannot_hold_is_returned_and_not_kept(tmp_path, user_cache):
    value = kept(tmp_path / "sub", "x", "key", lambda: object)
    assert value is object and not (tmp_path / "sub").exists()
    assert kept(tmp_path / "sub", "x", "key", lambda: float("nan")) != 0
    assert not (tmp_path / "sub").exists()


# --- the key --------------------------------------------------------------------------------


def test_the_key_is_made_once_private_to_the_user_and_reused(user_cache):
    first = secret.key()
    path = user_cache / "handoutgen" / secret.FILE
    assert first is not None and len(first) == secret.SIZE
    assert path.stat().st_mode & 0o777 == 0o600
    assert (path.parent.stat().st_mode & 0o777) == 0o700
    secret.forget()
    assert secret.key() == first == path.read_bytes()
    assert [p.name for p in path.parent.iterdir()] == [secret.FILE]  # no spare left behind


def test_entries_of_another_user_or_machine_are_not_served(tmp_path, user_cache, monkeypatch):
    made, make = _counting()
    kept(tmp_path, "x", "key", make)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    secret.forget()
    kept(tmp_path, "x", "key", make)
    assert len(made) == 2


def test_a_key_from_the_environment_is_shared_by_every_run_that_has_it(
    tmp_path, user_cache, monkeypatch
):
    monkeypatch.setenv(secret.ENV, "a CI secret of enough length")
    made, make = _counting()
    kept(tmp_path, "x", "key", make)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-runner"))
    secret.forget()
    kept(tmp_path, "x", "key", make)
    assert len(made) == 1  # read back by the other run
    assert not (tmp_path / "another-runner").exists()  # no key file made


@pytest.mark.parametrize("problem", ["short env key", "shared file", "link", "not a file"])
def test_without_a_usable_key_nothing_is_read_or_written(
    tmp_path, user_cache, monkeypatch, problem
):
    path = user_cache / "handoutgen" / secret.FILE
    path.parent.mkdir(parents=True)
    if problem == "short env key":
        monkeypatch.setenv(secret.ENV, "short")
    elif problem == "shared file":
        path.write_bytes(os.urandom(secret.SIZE))
        path.chmod(0o644)  # others could read it, and sign with it
    elif problem == "link":
        (tmp_path / "elsewhere").write_bytes(os.urandom(secret.SIZE))
        (tmp_path / "elsewhere").chmod(0o600)
        path.symlink_to(tmp_path / "elsewhere")
    else:
        path.mkdir()
    secret.forget()
    assert secret.key() is None
    made, make = _counting()
    folder = tmp_path / "cache"
    assert kept(folder, "x", "key", make) == kept(folder, "x", "key", make) == VALUE
    assert len(made) == 2 and not folder.exists()


def test_an_unwritable_user_cache_folder_turns_the_disk_caches_off(tmp_path, user_cache):
    user_cache.write_text("a file where the folder would go")
    secret.forget()
    assert secret.key() is None
    made, make = _counting()
    kept(tmp_path / "cache", "x", "key", make)
    assert made == [1] and not (tmp_path / "cache").exists()
