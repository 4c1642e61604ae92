"""The one "did you mean" helper: the closest choice, and the hint in a caller's wording."""

from __future__ import annotations

from kubelint.suggest import AFTER_SEMICOLON, closest, did_you_mean


def test_the_closest_choice_above_the_cutoff():
    assert closest("privileged-contaner", ["privileged-container", "host-port"]) == (
        "privileged-container"
    )
    assert closest("xyz", ["privileged-container"]) is None
    assert closest("readwriteonc", {"readwriteonce": 1}, cutoff=0.75) == "readwriteonce"
    # difflib's ratio: 2 * 2 matching / 5 characters = 0.8; 2 * 2 / 6 is below the cutoff.
    assert closest("ab", ["abc"], cutoff=0.8) == "abc"
    assert closest("ab", ["abcd"], cutoff=0.8) is None


def test_the_hint_in_each_wording_or_nothing():
    assert did_you_mean("disabel", ["disable", "disable-file"]) == " (did you mean 'disable'?)"
    assert did_you_mean("Deploymnt", ["Deployment"], form=AFTER_SEMICOLON) == (
        "; did you mean 'Deployment'?"
    )
    assert did_you_mean("disabel", ("disable",), form=" (did you mean {}=?)") == (
        " (did you mean disable=?)"
    )
    assert did_you_mean("nothing-like-it", ["disable"]) == ""
