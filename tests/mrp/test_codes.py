"""Sort keys of the tables: the fast sorts must give numpy's stable order exactly."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from pandas.api.types import union_categoricals

from mrp.codes import categorical_ids, dense_rank, group_order, id_codes, stable_order, sum_by, sum_grouped

keys = hnp.arrays(np.int64, st.integers(0, 3000), elements=st.integers(0, 2**62 - 1))
small_keys = hnp.arrays(np.int64, st.integers(0, 3000), elements=st.integers(0, 40))


@settings(max_examples=60, deadline=None)
@given(st.one_of(keys, small_keys))
def test_stable_order_is_numpys_stable_argsort(key):
    np.testing.assert_array_equal(stable_order(key), np.argsort(key, kind="stable"))


@settings(max_examples=30, deadline=None)
@given(st.lists(hnp.arrays(np.int64, st.integers(0, 400), elements=st.integers(0, 10**6)), min_size=1, max_size=6))
def test_stable_order_of_parts_each_in_order_is_numpys_stable_argsort(parts):
    key = np.concatenate([np.sort(p) for p in parts])  # few runs: the timsort path
    np.testing.assert_array_equal(stable_order(key), np.argsort(key, kind="stable"))


def test_stable_order_keeps_equal_keys_in_row_order_on_a_large_shuffled_key():
    key = np.random.default_rng(3).integers(0, 1000, 200_000)  # many runs: the radix path
    order = stable_order(key)
    assert (np.diff(key[order]) >= 0).all()
    tied = np.diff(key[order]) == 0
    assert (np.diff(order)[tied] > 0).all()


@given(hnp.arrays(np.int64, st.integers(0, 500), elements=st.one_of(st.integers(0, 120), st.integers(-5, 10**9))))
def test_dense_rank_numbers_distinct_values_in_order(values):
    np.testing.assert_array_equal(dense_rank(values), np.unique(values, return_inverse=True)[1].reshape(-1))


def test_sum_by_sums_rows_of_equal_keys_in_key_order():
    first, total = sum_by(np.array([1.0, 2.0, 4.0, 8.0, 16.0]), np.array([2, 1, 2, 1, 0]), np.array([0, 5, 0, 5, 1]))
    np.testing.assert_array_equal(first, [4, 1, 0])
    np.testing.assert_array_equal(total, [16.0, 10.0, 5.0])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 40), st.integers(1, 9)), max_size=300))
def test_sum_grouped_sums_as_sum_by_does(rows):
    group, key, qty = (np.array(c, dtype=np.int64 if i < 2 else float) for i, c in enumerate(zip(*rows))) \
        if rows else (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
    first, total = sum_grouped(group, 8, key, qty)
    want_first, want_total = sum_by(qty, group, key)
    np.testing.assert_array_equal(first, want_first)
    np.testing.assert_array_equal(total, want_total)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 30)), max_size=200))
def test_group_order_is_the_stable_order_by_group_then_key(rows):
    group = np.array([g for g, _ in rows], np.int64)
    key = np.array([k for _, k in rows], np.int64)
    np.testing.assert_array_equal(group_order(group, 6, key), np.lexsort((key, group)))


def test_ids_among_reads_a_categorical_by_its_categories_and_text_as_text():
    import pandas as pd

    from mrp.codes import ids_among

    categories = pd.Index(["D1", "D2", "PO-7/1"], dtype="str")
    ids = pd.Series(pd.Categorical.from_codes([2, 0, -1, 1, 2], categories=categories))
    assert ids_among(ids, {"PO-7/1", "D2"}).tolist() == [True, False, False, True, True]
    text = pd.Series(["PO-7/1", "D1", None, "D2", 7])
    assert ids_among(text, {"PO-7/1", "7"}).tolist() == [True, False, False, False, True]


def test_id_codes_rank_ids_by_their_text_a_missing_id_as_the_empty_text():
    ids = ["C2", None, "C10", "C2", "C1"]  # by text: "" < "C1" < "C10" < "C2"
    for column in (pd.Series(ids, dtype=object), pd.Series(pd.Categorical(ids, categories=["C2", "C10", "C1", "C9"]))):
        codes, texts = id_codes(column)
        assert list(texts[codes]) == ["C2", "", "C10", "C2", "C1"]
        assert codes.tolist() == [3, 0, 2, 3, 1]


def test_id_columns_of_any_text_dtype_join_as_one_categorical():
    object_ids = pd.Series(pd.Categorical(["PO-1", "PO-2", "PO-1"], categories=pd.Index(["PO-1", "PO-2"], dtype=object)))
    string_ids = pd.Series(pd.Categorical(["S-9", "PO-2"], categories=pd.Index(["PO-2", "S-9"], dtype="string")))
    joined = union_categoricals([categorical_ids(object_ids), categorical_ids(string_ids), categorical_ids(pd.Series(["X"]))])
    assert list(joined.astype(object)) == ["PO-1", "PO-2", "PO-1", "S-9", "PO-2", "X"]
