"""Hyphenation dictionaries: parsed once, cached on disk, the same patterns either way."""

from __future__ import annotations

import pyphen
import pytest

from handoutgen.layout import hyphenation


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(pyphen, "hdcache", {})


def test_a_dictionary_is_cached_and_read_back_with_the_same_patterns(tmp_path, fresh):
    path = pyphen.LANGUAGES["de_DE"]
    hyphenation.preload("de_DE", tmp_path)
    parsed = pyphen.hdcache[path]
    [cache] = (tmp_path / hyphenation.CACHE).glob("hyph_de_DE-*.json")
    pyphen.hdcache.clear()
    hyphenation.preload("de_DE", tmp_path)
    loaded = pyphen.hdcache[path]
    assert loaded is not parsed
    assert isinstance(loaded.patterns, hyphenation.Patterns)
    reference = pyphen.HyphDict(path).patterns  # parsed from the dictionary, as pyphen does
    assert loaded.patterns.as_dict() == parsed.patterns.as_dict() == reference
    assert loaded.maxlen == parsed.maxlen
    word = "Nervenleitungsuntersuchung"
    assert pyphen.Pyphen(lang="de_DE").positions(word) == pyphen.Pyphen(
        filename=path, cache=False
    ).positions(word)
    assert cache.stat().st_size > 100_000


def test_a_broken_cache_is_parsed_again(tmp_path, fresh):
    hyphenation.preload("de_DE", tmp_path)
    [cache] = (tmp_path / hyphenation.CACHE).glob("*.json")
    cache.write_bytes(b"not a kept dictionary")
    pyphen.hdcache.clear()
    hyphenation.preload("de_DE", tmp_path)
    assert pyphen.Pyphen(lang="de_DE").positions("Untersuchung")


def test_an_unwritable_cache_is_skipped(tmp_path, fresh):
    blocker = tmp_path / ".cache"
    blocker.write_text("a file where the cache folder would go")
    hyphenation.preload("de_DE", tmp_path)  # no exception
    assert pyphen.LANGUAGES["de_DE"] in pyphen.hdcache


def test_buckets_are_read_only_as_words_need_them(tmp_path, fresh):
    hyphenation.preload("de_DE", tmp_path)
    pyphen.hdcache.clear()
    hyphenation.preload("de_DE", tmp_path)  # from the cache
    path = pyphen.LANGUAGES["de_DE"]
    patterns = pyphen.hdcache[path].patterns
    assert not patterns._open  # nothing unpacked yet
    reference = pyphen.HyphDict(path)  # (Pyphen(cache=False) would replace the cached one)
    words = ["Autoimmunerkrankung", "Nervenübererregbarkeit", "Kaliumkanal", "xyzzy", "ä"]
    for word in words:
        assert pyphen.hdcache[path].positions(word) == reference.positions(word)
    assert pyphen.Pyphen(lang="de_DE").inserted("Untersuchung") == "Un-ter-su-chung"
    assert 0 < len(patterns._open) < len(patterns._buckets) / 2
    assert patterns.get("no such pattern") is None and patterns.get("§§", 7) == 7


def test_a_dictionary_marshal_cannot_store_is_parsed_as_pyphen_does(tmp_path, fresh, monkeypatch):
    def refuse(patterns):
        raise ValueError("unmarshallable object")

    parses = []
    parse = pyphen.HyphDict.__init__

    def counted(self, *args, **kwargs):
        parses.append(1)
        parse(self, *args, **kwargs)

    monkeypatch.setattr(hyphenation, "bucketed", refuse)
    monkeypatch.setattr(pyphen.HyphDict, "__init__", counted)
    hyphenation.preload("de_DE", tmp_path)
    loaded = pyphen.hdcache[pyphen.LANGUAGES["de_DE"]]
    assert isinstance(loaded.patterns, dict) and loaded.patterns
    assert len(parses) == 1  # parsed once, not again for the fallback


def test_the_dictionaries_marshal_cannot_store_are_parsed_once(tmp_path, fresh):
    """Catalan and Hungarian hold nonstandard hyphenation data (pyphen's DataInt)."""
    hyphenation.preload("hu_HU", tmp_path)
    path = pyphen.LANGUAGES["hu_HU"]
    assert isinstance(pyphen.hdcache[path].patterns, dict)
    reference = pyphen.HyphDict(path)
    word = "egészségügyi"
    assert pyphen.hdcache[path].positions(word) == reference.positions(word)


def test_a_kept_dictionary_is_data_and_an_edited_one_is_not_served(tmp_path, fresh):
    """The entry is JSON text; one changed under its trailer (to move every break) is parsed
    from the dictionary again, never used."""
    import json

    from handoutgen.cache import store

    hyphenation.preload("de_DE", tmp_path)
    [cache] = (tmp_path / hyphenation.CACHE).glob("hyph_de_DE-*.json")
    data = cache.read_bytes()
    buckets, maxlen = json.loads(data[: -store.TRAILER])
    assert isinstance(maxlen, int) and all(isinstance(t, str) for t in buckets.values())
    import re

    def no_breaks(text: str) -> str:
        return re.sub(r":(\d+)", lambda m: ":" + "0" * len(m.group(1)), text)

    edited = {head: no_breaks(text) for head, text in buckets.items()}
    payload = json.dumps([edited, maxlen], ensure_ascii=False).encode()
    cache.write_bytes(payload + data[-store.TRAILER :])
    pyphen.hdcache.clear()
    hyphenation.preload("de_DE", tmp_path)
    word = "Nervenleitungsuntersuchung"
    path = pyphen.LANGUAGES["de_DE"]
    assert hyphenation.Patterns(edited).get(".abi") != hyphenation.Patterns(buckets).get(".abi")
    assert pyphen.hdcache[path].positions(word) == pyphen.HyphDict(path).positions(word)
    assert pyphen.hdcache[path].positions(word)
    assert cache.read_bytes() == data  # made again


def test_a_pattern_the_text_cannot_hold_is_refused_when_kept():
    for patterns in ({"a b": (0, (1,))}, {"ab": (0, (10,))}, {"": (0, (1,))}):
        with pytest.raises(ValueError):
            hyphenation.bucketed(patterns)
    assert hyphenation._unpacked(hyphenation.bucketed({"ab": (1, (0, 2))})["ab"]) == {
        "ab": (1, (0, 2))
    }
