"""datetext: full dates written out in text, and header date lines (used by ingest and the dates stage)."""
from __future__ import annotations

from datetime import date

import pytest

from eventcoder.datetext import find_absolute_dates, parse_date_line


@pytest.mark.parametrize("text,expected", [
    ("Fighting resumed on 13 October 2015 near the dam.", date(2015, 10, 13)),
    ("Fighting resumed on October 13, 2015 near the dam.", date(2015, 10, 13)),
    ("Fighting resumed on Oct. 13 2015 near the dam.", date(2015, 10, 13)),
    ("Fighting resumed on 13th of October 2015.", date(2015, 10, 13)),
    ("Fighting resumed on Tuesday, 13 October 2015.", date(2015, 10, 13)),
    ("Fighting resumed on 2015-10-13.", date(2015, 10, 13)),
    ("Fighting resumed on 13/10/2015.", date(2015, 10, 13)),
    ("Fighting resumed on 29 February 2016.", date(2016, 2, 29)),
])
def test_one_date_in_each_form(text, expected):
    hits = find_absolute_dates(text)
    assert [h[2] for h in hits] == [expected]
    start, end, _ = hits[0]
    assert text[start:end].strip()[0].isalnum()


def test_numeric_dates_follow_day_first():
    assert find_absolute_dates("on 03/10/2015")[0][2] == date(2015, 10, 3)
    assert find_absolute_dates("on 03/10/2015", day_first=False)[0][2] == date(2015, 3, 10)


def test_numeric_date_impossible_one_way_is_read_the_other():
    assert find_absolute_dates("on 10/25/2015")[0][2] == date(2015, 10, 25)


@pytest.mark.parametrize("text", ["on 29 February 2015", "on 31 April 2016", "on 2015-13-01", "score 3-5 in 2015"])
def test_impossible_dates_are_dropped(text):
    assert find_absolute_dates(text) == []


def test_dates_come_in_text_order():
    hits = find_absolute_dates("From 5 May 2020 to 2020-04-01 and 3 March 2019.")
    assert [h[2] for h in hits] == [date(2020, 5, 5), date(2020, 4, 1), date(2019, 3, 3)]


@pytest.mark.parametrize("line,expected", [
    ("13 October 2015", date(2015, 10, 13)),
    ("  Published: 13 October 2015 ", date(2015, 10, 13)),
    ("October 13, 2015 | 10:42", date(2015, 10, 13)),
    ("Rebels attacked the town on 13 October 2015 and took the hill after a long battle", None),
    ("13 October 2015 - 14 October 2015", None),
    ("No date here", None),
])
def test_parse_date_line(line, expected):
    assert parse_date_line(line) == expected
