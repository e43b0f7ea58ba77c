"""A leaflet's dimensions, written out once: a job's locales are a tuple (one language now, two
later), and its path, manifest key and name are read off it."""

from __future__ import annotations

import pickle

from handoutgen.leaflet import DIMENSIONS, Job, Selection, manifest_key


def test_a_job_is_read_the_same_way_everywhere():
    job = Job("neuromyotonia", "es", "default", "large-print", "a5")
    assert job.locales == ("es",) and job.locale == "es"
    assert job.relpath == "default/es/neuromyotonia.large-print.a5.pdf"
    assert Job("t", "en", "b", "standard", "a4").relpath == "b/en/t.a4.pdf"
    assert job.values() == dict(zip(DIMENSIONS, job.key, strict=True))
    assert Job.from_values(job.values()) == job
    assert manifest_key({**job.values(), "status": "built"}) == job.key
    assert str(job) == "neuromyotonia [es, default, large-print, a5]"
    assert pickle.loads(pickle.dumps(job)) == job  # what worker processes are sent


def test_two_languages_fit_the_same_definition():
    both = Job("neuromyotonia", ("es", "en"), "default", "standard", "a4")
    assert both.locales == ("es", "en") and both.locale == "es+en"
    assert Job("neuromyotonia", "es+en", "default", "standard", "a4") == both
    assert both.relpath == "default/es+en/neuromyotonia.a4.pdf"
    assert Job.from_values(both.values()) == both


def test_jobs_sort_by_their_dimensions_and_selections_default_to_none():
    a, b = Job("a", "en", "x", "standard", "a4"), Job("b", "ar", "x", "standard", "a4")
    assert sorted([b, a]) == [a, b]
    assert Selection().empty and not Selection(papers=["a4"]).empty
