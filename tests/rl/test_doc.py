"""The doc machinery in the adapter: a frame's quick deep copy is what deepcopy makes."""

from __future__ import annotations

import copy

from reportlab.platypus import Frame

from handoutgen.rl.doc import QuickCopyFrame


def test_a_frame_deep_copy_is_what_deepcopy_makes_of_a_plain_frame():
    ours = QuickCopyFrame(10, 20, 300, 400, id="later")
    plain = Frame(10, 20, 300, 400, id="later")
    for frame in (ours, plain):
        frame._frameBGs = [[1, (2, 3)]]
        frame._generated_content = ["x"]
    copied, reference = copy.deepcopy(ours), copy.deepcopy(plain)
    assert type(copied) is QuickCopyFrame
    assert vars(copied) == vars(reference) == vars(ours)
    assert copied._frameBGs is not ours._frameBGs  # containers copied, not shared
    assert copied._frameBGs[0] is not ours._frameBGs[0]
    assert copied._generated_content is not ours._generated_content
