"""Site names: what is accepted, and that two sites never share a planning lock."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from connectors.store.lock import planning_lock_name
from connectors.store.models import DEFAULT_SITE
from connectors.store.sites import BadSiteName, check_site_name

NAMES = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}", fullmatch=True)


@given(NAMES, NAMES)
def test_two_sites_never_share_a_planning_lock_and_each_lock_names_a_plain_file(a, b):
    assert check_site_name(a) == a
    assert (planning_lock_name(a) == planning_lock_name(b)) == (a == b)
    assert set(planning_lock_name(a)) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


def test_the_default_site_keeps_the_single_factory_lock():
    assert planning_lock_name(DEFAULT_SITE) == "planning"


@pytest.mark.parametrize("name", ["", "-plant", "plant 2", "plant/2", "../x", "é", "x" * 41])
def test_a_name_that_cannot_name_a_site_says_what_is_accepted(name):
    with pytest.raises(BadSiteName, match="is not a site name; give 1 to 40 letters, digits, '_' or '-'"):
        check_site_name(name)
