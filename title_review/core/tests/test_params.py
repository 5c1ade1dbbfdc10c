"""core.params: numbers from a query string or form, ASCII digits within the database's range, else None."""

import pytest

from title_review.core.params import MAX_ID, to_id, to_ids, to_int


@pytest.mark.parametrize(
    "value",
    ["", None, "abc", "-1", "1.5", " 7", "7 ", "²", "１２", "١٢", "0x10", str(MAX_ID + 1), "9" * 40, "1e3"],
)
def test_what_is_not_a_plain_whole_number_in_range_is_none(value):
    assert to_int(value) is None
    assert to_id(value) is None


def test_plain_numbers_are_read_and_ids_start_at_one():
    assert to_int("0") == 0 and to_id("0") is None
    assert to_int("42") == 42 and to_id(42) == 42
    assert to_id(str(MAX_ID)) == MAX_ID
    assert to_int("36501", maximum=36500) is None and to_int("36500", maximum=36500) == 36500


def test_a_list_keeps_the_ids_in_order_and_drops_the_rest():
    assert to_ids(["3", "²", "1", "", "99999999999999999999", "2"]) == [3, 1, 2]
