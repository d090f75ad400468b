"""The dates stage: date expressions resolved against a fixed publication date, and events linked to them.

The table gives a sentence of our own, the publication date, and the first date that may date an event
(``None``: no expression in it may). Weekdays of the anchors: 2015-10-13 Tuesday, 2016-01-01 Friday,
2016-02-29 Monday, 2016-03-01 Tuesday, 2017-03-01 Wednesday, 2020-05-07 Thursday.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from eventcoder.matching import AnchoredPattern, Scan
from eventcoder.config import DateSettings
from eventcoder.stages.dates import DateFinder, DateResolver, usable
from eventcoder.types import Article, Event, FieldEvidence, Record, Span

TUE = date(2015, 10, 13)

FINDER = DateFinder()

# (sentence, published, expected date or None, expected time_precision)
CASES = [
    # -- absolute, every common form
    ("Gunmen attacked the checkpoint on 13 October 2015.", TUE, "2015-10-13", 1),
    ("Gunmen attacked the checkpoint on October 13, 2015.", TUE, "2015-10-13", 1),
    ("Gunmen attacked the checkpoint on Oct. 13, 2015.", TUE, "2015-10-13", 1),
    ("Gunmen attacked the checkpoint on 2015-10-13.", TUE, "2015-10-13", 1),
    ("Gunmen attacked the checkpoint on 13/10/2015.", TUE, "2015-10-13", 1),
    ("Gunmen attacked the checkpoint on 03/10/2015.", TUE, "2015-10-03", 1),
    ("Gunmen attacked the checkpoint on 13.10.2015.", TUE, "2015-10-13", 1),
    ("Gunmen attacked the checkpoint on Tuesday, 13 October 2015.", TUE, "2015-10-13", 1),
    ("Gunmen attacked the checkpoint on the 12th of October 2015.", TUE, "2015-10-12", 1),
    ("Gunmen attacked the checkpoint on 1st October 2015.", TUE, "2015-10-01", 1),
    ("Gunmen attacked the checkpoint on September 30th, 2015.", TUE, "2015-09-30", 1),
    ("A raid took place on 5 Sept 2014 in the east.", TUE, "2014-09-05", 1),
    ("A raid took place on 5 SEPTEMBER 2014 in the east.", TUE, "2014-09-05", 1),
    # -- day and month without a year take the publication year, or the year before
    ("Militants shelled the town on 11 October.", TUE, "2015-10-11", 1),
    ("Militants shelled the town on Oct. 11.", TUE, "2015-10-11", 1),
    ("Militants shelled the town on October 11th.", TUE, "2015-10-11", 1),
    ("Militants shelled the town on the 11th of October.", TUE, "2015-10-11", 1),
    ("Militants shelled the town on 13 October.", TUE, "2015-10-13", 1),
    ("11 October: militants shelled the town.", TUE, "2015-10-11", 1),
    ("Looting: 09 Oct. Militants looted shops.", TUE, "2015-10-09", 1),
    ("Militants shelled the town on 28 December.", date(2019, 1, 3), "2018-12-28", 1),
    ("Militants shelled the town on 31 December.", date(2016, 1, 1), "2015-12-31", 1),
    ("Militants shelled the town on 1 January.", date(2016, 1, 1), "2016-01-01", 1),
    ("Militants shelled the town on Dec. 30.", date(2016, 1, 2), "2015-12-30", 1),
    ("Militants shelled the town on 20 June.", date(2016, 1, 2), "2015-06-20", 1),
    # -- leap days
    ("Protesters gathered on 29 February.", date(2016, 3, 2), "2016-02-29", 1),
    ("Protesters gathered on 29 February.", date(2017, 3, 1), "2016-02-29", 1),
    ("Protesters gathered on 29 February 2016.", date(2016, 3, 1), "2016-02-29", 1),
    ("Protesters gathered on 29 February 2015.", date(2016, 3, 1), None, None),
    ("Protesters gathered on 31 April 2016.", date(2016, 5, 1), None, None),
    ("Protesters gathered on 30 February.", date(2016, 3, 1), None, None),
    ("Protesters gathered yesterday.", date(2016, 3, 1), "2016-02-29", 1),
    ("Protesters gathered yesterday.", date(2015, 3, 1), "2015-02-28", 1),
    ("Protesters gathered two days ago.", date(2016, 3, 1), "2016-02-28", 1),
    ("Protesters gathered on Monday.", date(2016, 3, 2), "2016-02-29", 1),
    ("Protesters gathered last weekend.", date(2016, 3, 1), "2016-02-27", 2),
    ("Protesters gathered between 27 and 29 February.", date(2016, 3, 5), "2016-02-27", 2),
    ("Protesters gathered last month.", date(2016, 3, 1), "2016-02-01", 3),
    # -- relative days
    ("Police arrested two men yesterday.", TUE, "2015-10-12", 1),
    ("Police arrested two men yesterday.", date(2016, 1, 1), "2015-12-31", 1),
    ("Police arrested two men the day before yesterday.", TUE, "2015-10-11", 1),
    ("Police arrested two men last night.", TUE, "2015-10-12", 1),
    ("Police arrested two men last night.", date(2020, 1, 1), "2019-12-31", 1),
    ("Police arrested two men today.", TUE, "2015-10-13", 1),
    ("Police arrested two men earlier today.", TUE, "2015-10-13", 1),
    ("Police arrested two men this morning.", TUE, "2015-10-13", 1),
    ("Police arrested two men overnight.", TUE, "2015-10-13", 1),
    ("Police will question two men tomorrow.", TUE, None, None),
    ("Police arrested two men two days ago.", TUE, "2015-10-11", 1),
    ("Police arrested two men 10 days ago.", TUE, "2015-10-03", 1),
    ("Police arrested two men three days ago.", date(2016, 1, 2), "2015-12-30", 1),
    ("Police arrested two men a few days ago.", TUE, "2015-10-10", 2),
    ("Police arrested two men several days ago.", TUE, "2015-10-10", 2),
    ("Police arrested two men a week ago.", TUE, "2015-10-06", 2),
    ("Police arrested two men three weeks ago.", TUE, "2015-09-22", 2),
    ("Police arrested two men a month ago.", TUE, "2015-09-01", 3),
    ("Police arrested two men two months ago.", date(2016, 1, 15), "2015-11-01", 3),
    # -- weekdays: the latest such day, the publication day itself when it is that day
    ("Clashes broke out on Monday.", TUE, "2015-10-12", 1),
    ("Clashes broke out on Tuesday.", TUE, "2015-10-13", 1),
    ("Clashes broke out on Wednesday.", TUE, "2015-10-07", 1),
    ("Clashes broke out on Thursday.", TUE, "2015-10-08", 1),
    ("Clashes broke out on Friday.", TUE, "2015-10-09", 1),
    ("Clashes broke out on Saturday.", TUE, "2015-10-10", 1),
    ("Clashes broke out on Sunday.", TUE, "2015-10-11", 1),
    ("Clashes broke out last Friday.", TUE, "2015-10-09", 1),
    ("Clashes broke out last Tuesday.", TUE, "2015-10-06", 1),
    ("Clashes broke out last Monday.", TUE, "2015-10-12", 1),
    ("Clashes broke out this Monday.", TUE, "2015-10-12", 1),
    ("Clashes broke out past Sunday.", TUE, "2015-10-11", 1),
    ("Clashes broke out on Friday night.", TUE, "2015-10-09", 1),
    ("Clashes broke out on Sunday morning.", TUE, "2015-10-11", 1),
    ("Monday's clashes left four dead.", TUE, "2015-10-12", 1),
    ("Clashes broke out on Thursday.", date(2016, 1, 1), "2015-12-31", 1),
    ("Clashes broke out on Friday.", date(2016, 1, 1), "2016-01-01", 1),
    ("Clashes broke out on Saturday.", date(2016, 1, 1), "2015-12-26", 1),
    ("Clashes broke out on Sunday.", date(2016, 2, 29), "2016-02-28", 1),
    ("Clashes broke out last Monday.", date(2016, 2, 29), "2016-02-22", 1),
    ("Clashes broke out on Monday night [14 March].", date(2011, 3, 16), "2011-03-14", 1),
    ("Clashes broke out on Sunday [20 August].", date(2017, 8, 21), "2017-08-20", 1),
    ("The council will meet on Thursday.", TUE, None, None),
    ("The council will meet next Friday.", TUE, None, None),
    ("The council is due to meet on Friday.", TUE, None, None),
    # -- weeks and weekends (time_precision 2)
    ("Fighters deserted last weekend.", TUE, "2015-10-10", 2),
    ("Fighters deserted last weekend.", date(2015, 10, 12), "2015-10-10", 2),
    ("Fighters deserted last weekend.", date(2015, 10, 11), "2015-10-03", 2),
    ("Fighters deserted last weekend.", date(2015, 10, 10), "2015-10-03", 2),
    ("Fighters deserted over the weekend.", date(2015, 10, 12), "2015-10-10", 2),
    ("Fighters deserted over the weekend.", date(2015, 10, 11), "2015-10-10", 2),
    ("Fighters deserted this weekend.", date(2016, 1, 2), "2016-01-02", 2),
    ("Fighters deserted last weekend.", date(2016, 1, 4), "2016-01-02", 2),
    ("Fighters deserted last weekend.", date(2016, 1, 5), "2016-01-02", 2),
    ("Fighters deserted at the weekend.", date(2016, 1, 1), "2015-12-26", 2),
    ("Fighters deserted earlier this week.", date(2015, 10, 15), "2015-10-12", 2),
    ("Fighters deserted earlier this week.", TUE, "2015-10-12", 2),
    ("Fighters deserted this week.", date(2016, 1, 6), "2016-01-04", 2),
    ("Fighters deserted last week.", TUE, "2015-10-05", 2),
    ("Fighters deserted last week.", date(2016, 1, 8), "2015-12-28", 2),
    ("Fighters deserted late last week.", TUE, "2015-10-08", 2),
    ("Fighters deserted over the past week.", TUE, "2015-10-13", 2),
    ("Fighters will be deployed next week.", TUE, None, None),
    # -- months and their parts (time_precision 3)
    ("Shelling intensified this month.", TUE, "2015-10-01", 3),
    ("Shelling intensified earlier this month.", TUE, "2015-10-01", 3),
    ("Shelling intensified last month.", TUE, "2015-09-01", 3),
    ("Shelling intensified last month.", date(2016, 1, 10), "2015-12-01", 3),
    ("Shelling intensified late last month.", date(2016, 1, 5), "2015-12-21", 3),
    ("Shelling intensified in early October.", TUE, "2015-10-01", 3),
    ("Shelling intensified in mid-September.", TUE, "2015-09-11", 3),
    ("Shelling intensified in late September.", TUE, "2015-09-21", 3),
    ("Shelling intensified at the end of September.", TUE, "2015-09-21", 3),
    ("Shelling intensified in October.", TUE, "2015-10-01", 3),
    ("Shelling intensified in December.", date(2016, 1, 5), "2015-12-01", 3),
    ("Shelling intensified during October 2014.", TUE, "2014-10-01", 3),
    ("Shelling intensified in March of 2013.", TUE, "2013-03-01", 3),
    ("Shelling intensified in late February 2016.", date(2016, 3, 1), "2016-02-21", 3),
    ("Shelling intensified in February.", date(2016, 3, 1), "2016-02-01", 3),
    ("Elections are planned in late October.", TUE, None, None),
    ("Elections are planned in November.", TUE, None, None),
    # -- ranges: the first day, time_precision 2 (3 when longer than a week)
    ("Raids took place between 3 and 5 October.", TUE, "2015-10-03", 2),
    ("Raids took place between 3 and 5 October 2015.", TUE, "2015-10-03", 2),
    ("Raids took place from 3 to 5 October.", TUE, "2015-10-03", 2),
    ("Raids took place on 3-5 October.", TUE, "2015-10-03", 2),
    ("Raids took place on October 3-5.", TUE, "2015-10-03", 2),
    ("Raids took place between 30 September and 2 October.", TUE, "2015-09-30", 2),
    ("Raids took place between 30 December and 2 January.", date(2016, 1, 5), "2015-12-30", 2),
    ("Raids took place between 1 and 20 September.", TUE, "2015-09-01", 3),
    # -- approximate days widen to the week, as ACLED codes them
    ("Around 1 May 2020, rebels raided a village.", date(2020, 5, 7), "2020-05-01", 2),
    ("As reported on 21 March 2020, rebels raided a village.", date(2020, 3, 23), "2020-03-21", 2),
    ("On 29 April 2020 (or around), rebels raided a village.", date(2020, 5, 1), "2020-04-29", 2),
    ("On or before October 28th, rebels raided a village.", date(2018, 10, 28), "2018-10-28", 2),
    ("Around 1 May 2020 (between 30 April and 2 May), rebels raided a village.", date(2020, 5, 7), "2020-05-01", 2),
    # -- not event dates
    ("IS moved its headquarters since the start of the Russian strikes.", TUE, None, None),
    ("Rebels have held the town since Tuesday.", TUE, None, None),
    ("Rebels will hold the town until 25 October.", TUE, None, None),
    ("Rebels massed troops ahead of the 15 May vote.", date(2016, 5, 10), None, None),
    ("Two suspects of the March 2012 bombing were seized.", date(2012, 6, 26), None, None),
    ("Police raided a house to disrupt the Thursday election.", TUE, None, None),
    ("Rebels attacked the base on 20 October 2015.", TUE, None, None),
    ("Rebels attacked the base on 15 October.", TUE, None, None),
    ("Clashes have gone on in 2014 and 2015.", TUE, None, None),
    ("They may 15 times have tried.", TUE, None, None),
    ("A 24-hour curfew was imposed along Route 13.", TUE, None, None),
    ("The final score was 3-5 in the derby.", TUE, None, None),
    ("Gunmen attacked the checkpoint.", TUE, None, None),
    # -- no publication date: only absolute dates resolve
    ("Gunmen attacked the checkpoint on 13 October 2015.", None, "2015-10-13", 1),
    ("Gunmen attacked the checkpoint yesterday.", None, None, None),
    ("Gunmen attacked the checkpoint on Monday.", None, None, None),
    ("Gunmen attacked the checkpoint on 12 October.", None, None, None),
]


def first_usable(text: str, published):
    return next((m for m in FINDER.find(text, published) if usable(m)), None)


def test_table_has_enough_cases():
    assert len(CASES) >= 120


@pytest.mark.parametrize("text,published,expected,precision", CASES, ids=[f"{c[0][:48]}|{c[1]}" for c in CASES])
def test_date_expression(text, published, expected, precision):
    m = first_usable(text, published)
    if expected is None:
        assert m is None, f"unexpected date {m.value} from {m.span.text!r}"
        return
    assert m is not None, "no date found"
    assert m.value.isoformat() == expected
    assert m.time_precision == precision
    assert text[m.span.start:m.span.end] == m.span.text


def test_month_first_setting_reads_numeric_dates_us_style():
    finder = DateFinder(DateSettings(day_first=False))
    m = next(m for m in finder.find("Raids on 03/10/2015.", TUE) if usable(m))
    assert m.value == date(2015, 3, 10)


def test_parenthesised_range_is_a_detail_not_a_second_date():
    ms = FINDER.find("Around 1 May 2020 (between 30 April and 2 May), rebels raided a village.", date(2020, 5, 7))
    assert [m.kind for m in ms] == ["absolute", "range:detail"]


def test_weekday_next_to_its_date_is_one_mention():
    ms = FINDER.find("Clashes broke out on Monday night [14 March].", date(2011, 3, 16))
    assert len(ms) == 1 and ms[0].span.text == "14 March"


PHRASES = ["yesterday", "last night", "on Monday", "on Friday", "last Tuesday", "last weekend", "over the weekend",
           "earlier this week", "last week", "this month", "last month", "two days ago", "three weeks ago",
           "on 31 December", "on 29 February", "in late October", "in early January", "between 3 and 5 October",
           "on Oct. 13", "in mid-June", "this weekend", "a month ago", "on Sunday night", "in December"]


@hsettings(max_examples=300, deadline=None)
@given(published=st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)), phrase=st.sampled_from(PHRASES))
def test_no_usable_date_after_publication(published, phrase):
    for m in FINDER.find(f"Gunmen attacked a convoy {phrase}.", published):
        if usable(m):
            assert m.value <= published


# ---- the stage over a Record built by hand ---------------------------------------------------------

def split_sentences(text: str) -> list[Span]:
    """A tiny sentence splitter for tests: ends at . ! ? followed by whitespace, or a blank line."""
    spans, start = [], 0
    for m in re.finditer(r"(?<=[.!?])\s+|\n\s*\n", text):
        if text[start:m.start()].strip():
            spans.append(Span.of(text, start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append(Span.of(text, start, len(text.rstrip())))
    return spans


def make_record(text: str, published, events: list[tuple[str, str | None]]) -> Record:
    """A Record with one event per (evidence phrase, trigger phrase) pair found in ``text``."""
    rec = Record(article=Article(doc_id="t1", text=text, published=published))
    rec.sentences = split_sentences(text)
    for phrase, trigger in events:
        start = text.index(phrase)
        ev = Event(doc_id="t1", event_type="Battles", sub_event_type="Armed clash",
                   evidence=Span.of(text, start, start + len(phrase)))
        if trigger:
            t = text.index(trigger, start)
            ev.provenance["sub_event_type"] = FieldEvidence(evidence=Span.of(text, t, t + len(trigger)), stage="test")
        rec.events.append(ev)
    return rec


def run(rec: Record) -> Record:
    return DateResolver(DateSettings())([rec])[0]


def test_event_takes_the_date_of_its_own_sentence():
    text = "Rebels shelled the market on Sunday. Police arrested three men yesterday."
    rec = run(make_record(text, TUE, [("Police arrested three men yesterday.", None)]))
    ev = rec.events[0]
    assert (ev.event_date, ev.time_precision) == ("2015-10-12", 1)
    assert ev.provenance["event_date"].evidence.text == "yesterday"
    assert ev.provenance["event_date"].stage == "dates"
    assert [m.span.text for m in rec.dates] == ["on Sunday", "yesterday"]


def test_event_takes_the_date_of_its_own_clause_not_the_sentence_start():
    text = "Gunmen attacked a bus on Monday, while on Saturday police arrested two suspects."
    rec = run(make_record(text, TUE, [(text, "arrested"), (text, "attacked")]))
    assert [e.event_date for e in rec.events] == ["2015-10-10", "2015-10-12"]


@pytest.mark.parametrize("text,trigger,expected", [
    ("On 3 October, families of detainees, one of whom was beaten last week, held a rally in the square.", "rally",
     "2015-10-03"),
    ("On 5 October, rebels took the hill following clashes that started on 4 October.", "clashes", "2015-10-05"),
    ("Around 6 October (as reported), troops arrived after a clash on 4 October.", "clash", "2015-10-06"),
    ("Troops arrived on Friday after a clash that broke out on Wednesday.", "clash", "2015-10-07"),
])
def test_opening_date_frames_the_clause(text, trigger, expected):
    rec = run(make_record(text, TUE, [(text, trigger)]))
    assert rec.events[0].event_date == expected


def test_clause_evidence_outside_dated_clause_uses_sentence_date():
    text = "On 5 October, rebels took the hill and two fighters died."
    rec = run(make_record(text, TUE, [("two fighters died", None)]))
    assert rec.events[0].event_date == "2015-10-05"
    assert rec.events[0].provenance["event_date"].score < 1.0


def test_later_sentence_takes_the_nearest_earlier_date_of_its_paragraph():
    text = ("Militants stormed a village on 2 October. They burned houses. Residents fled on 4 October. "
            "Soldiers returned later.")
    rec = run(make_record(text, TUE, [("They burned houses.", None), ("Soldiers returned later.", None)]))
    assert [e.event_date for e in rec.events] == ["2015-10-02", "2015-10-04"]


def test_new_paragraph_without_date_takes_the_lead_date_and_is_flagged():
    text = "Militants stormed a village on 2 October.\n\nSoldiers later retook the village."
    rec = run(make_record(text, TUE, [("Soldiers later retook the village.", None)]))
    ev = rec.events[0]
    assert ev.event_date == "2015-10-02"
    assert "date_from_lead" in ev.flags


def test_no_date_falls_back_to_publication_with_lower_precision_and_flag():
    text = "Soldiers retook the village after heavy fighting."
    rec = run(make_record(text, TUE, [(text, None)]))
    ev = rec.events[0]
    assert (ev.event_date, ev.time_precision) == ("2015-10-13", 2)
    assert "date_from_publication" in ev.flags
    assert ev.provenance["event_date"].score < 0.5


def test_future_date_in_own_sentence_is_never_used():
    text = "Soldiers retook the village; talks are set for 20 October."
    rec = run(make_record(text, TUE, [(text, "retook")]))
    assert rec.events[0].event_date == "2015-10-13"
    assert rec.events[0].event_date <= "2015-10-13"


def test_event_anchored_phrase_does_not_date_the_event():
    text = ("Since the start of the airstrikes, the group has moved its offices into homes. "
            "It cancelled prayers last Friday.")
    rec = run(make_record(text, TUE, [("Since the start of the airstrikes, the group has moved its offices into homes.",
                                       None), ("It cancelled prayers last Friday.", None)]))
    assert rec.events[0].event_date == "2015-10-13" and "date_from_publication" in rec.events[0].flags
    assert (rec.events[1].event_date, rec.events[1].time_precision) == ("2015-10-09", 1)


def test_interview_answers_take_their_own_relative_dates():
    text = ("Q: What has changed in the city?\n\nThe group shut the bakeries last Friday. "
            "We saw fighters leave last weekend.\n\nQ: Anything else?\n\nPatrols have doubled.")
    rec = run(make_record(text, TUE, [("The group shut the bakeries last Friday.", None),
                                      ("We saw fighters leave last weekend.", None),
                                      ("Patrols have doubled.", None)]))
    got = [(e.event_date, e.time_precision) for e in rec.events]
    assert got == [("2015-10-09", 1), ("2015-10-10", 2), ("2015-10-13", 2)]


def test_missing_publication_date_leaves_relative_dates_unresolved_and_says_so():
    text = "Police arrested three men yesterday."
    rec = run(make_record(text, None, [(text, None)]))
    ev = rec.events[0]
    assert ev.event_date is None and "date_unresolved" in ev.flags
    assert [p.code for p in rec.problems] == ["W330"]
    assert rec.dates[0].kind == "relative_day:unanchored"


def test_record_without_events_still_gets_its_dates():
    rec = run(make_record("Talks resumed on 5 October and again on 9 October.", TUE, []))
    assert [m.value for m in rec.dates] == [date(2015, 10, 5), date(2015, 10, 9)]
    assert rec.problems == []


def test_every_date_span_lies_inside_the_article():
    text = "On 3 October rebels fired rockets; yesterday and last weekend more clashes followed. " * 3
    rec = run(make_record(text, TUE, []))
    assert rec.dates and all(text[m.span.start:m.span.end] == m.span.text for m in rec.dates)


LATER = [
    ("Rebels took the hill on 3 October. The next day, troops shelled it.", "2015-10-04", 1),
    ("Rebels took the hill on 3 October. The following day troops shelled it.", "2015-10-04", 1),
    ("Rebels took the hill on 3 October. Two days later troops shelled it.", "2015-10-05", 1),
    ("Rebels took the hill last weekend. A day later troops shelled it.", "2015-10-11", 2),
    ("Rebels took the hill on 1 October; a week later troops shelled it.", "2015-10-08", 2),
]


@pytest.mark.parametrize("text,expected,precision", LATER)
def test_later_counts_from_the_date_before_it(text, expected, precision):
    later = [m for m in FINDER.find(text, TUE) if m.kind == "later"]
    assert len(later) == 1
    assert (later[0].value.isoformat(), later[0].time_precision) == (expected, precision)


def test_later_without_an_earlier_date_stays_unresolved():
    (m,) = FINDER.find("The following day troops shelled the hill.", TUE)
    assert m.kind == "later:unanchored" and not usable(m)


def test_later_never_passes_publication():
    ms = FINDER.find("On Friday rebels attacked; a week later they fled.", TUE)
    assert [m.kind for m in ms] == ["weekday", "later:future"]


def test_month_name_does_not_swallow_the_full_stop():
    (m,) = FINDER.find("Rebels took the hill on 3 October.", TUE)
    assert m.span.text == "3 October"


def test_anchored_scan_finds_what_the_full_scan_finds(monkeypatch):
    """Every pattern run only near its anchors finds what it finds over the whole text."""
    texts = [c[0] for c in CASES] + [t for t, *_ in LATER] + [
        "Fighting resumed on MONDAY and again overnight; tomorrow talks begin.",
        "Three weeks ago, and again early this month, shells fell in mid-March.",
        "Rebels took the hill in SEPT. 2015, then lost it on Oct. 3-5.",
        "Shelling   between  3\nand 5 \t of   October, and   during the second  half\nof  May 2014 too.",
    ]
    published = date(2015, 10, 13)
    anchored = [[(m.span.start, m.span.end, m.value, m.kind) for m in FINDER.find(t, published)] for t in texts]
    assert sum(map(len, anchored)) > len(texts)  # the texts do hold dates
    monkeypatch.setattr(AnchoredPattern, "finditer", lambda self, scan: self.rx.finditer(scan.text))
    assert [[(m.span.start, m.span.end, m.value, m.kind) for m in FINDER.find(t, published)] for t in texts] == anchored


DATE_WORDS = ["on", "in", "during", "since", "the", "of", "between", "from", "and", "to", "-", "–", "last", "this", "next",
              "early", "late", "mid-", "first half of", "second half of", "end of", "Monday", "TUESDAY", "sunday's",
              "October", "Oct.", "OCT", "Sept", "May", "may", "MAR", "JANOV", "3", "13th", "21st", "2015", "1999",
              "yesterday", "day", "before", "night", "overnight", "tonight", "morning", "two", "a couple of", "several",
              "days", "weeks", "week", "weekend", "month", "ago", "later", "following", "earlier", "over", "past",
              "İ", "ı", "ſ", "\u212a", "laſt", "weeK", "AGO", "2015-10-13", "13/10/2015", "(", ",", "."]


@hsettings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(DATE_WORDS), st.sampled_from([" ", "  ", "\n", "", ", ", " \t "])),
                min_size=1, max_size=16))
def test_every_anchored_pattern_matches_as_its_plain_one(pieces):
    text = "".join(w + sep for w, sep in pieces)
    patterns = [v for v in vars(FINDER).values() if isinstance(v, AnchoredPattern)] + FINDER.rx_range
    assert len(patterns) == 14
    scan = Scan(text)
    for rx in patterns:
        assert [(m.span(), m.groupdict()) for m in rx.finditer(scan)] == \
            [(m.span(), m.groupdict()) for m in rx.rx.finditer(text)], (rx.rx.pattern[:60], text)


@pytest.mark.parametrize("odd, plain", [
    ("Police arreſted two men ſeveral dayſ ago, on ſunday.", "Police arrested two men several days ago, on sunday."),
    ("Shellıng ıntensıfıed ın mıd-September and on 3 Aprıl 2015.",
     "Shelling intensified in mid-September and on 3 April 2015."),
    ("Gunmen struck on 3 APRİL 2015 and \u212aILLED two.", "Gunmen struck on 3 APRIL 2015 and KILLED two."),
])
def test_letters_re_reads_as_ascii_are_read_as_ascii(odd, plain):
    """re.I matches "ſ" to "s", "ı" and "İ" to "i", the Kelvin sign to "k": the words so matched are looked up
    folded the same way, not lower-cased into keys that are not there (a KeyError dropped the document's
    events)."""
    published = date(2015, 10, 13)
    got = [(m.span.start, m.value, m.kind) for m in FINDER.find(odd, published)]
    assert got and got == [(m.span.start, m.value, m.kind) for m in FINDER.find(plain, published)]


# ---- clause_of skips the break scan where no break can be: the same clauses as the plain scan ------------

def _plain_clause_of(text: str, outer: Span, point: int) -> tuple[int, int]:
    from eventcoder.knowledge.clauses import scanned_clause_of

    return scanned_clause_of(text, outer, point)


@pytest.mark.parametrize("text", [
    "Gunmen attacked a checkpoint in the north and killed two soldiers.",
    "Police said the march was peaceful; later, rioters burned a car.",
    "Shelling hit the town - residents fled - and the army advanced.",
    "Rebels took the hill, while government forces shelled the valley.",
    "Rebels took the hill, WHEREAS the army held the road.",
    "Rebels took the hill, whereaſ the army held the road.",  # re.I reads the long s as "s"
    "Rebels took the hill but lost it; the army said: we hold it.",
    "Attacks continued in Abu Ghraib and Contributor districts.",
])
def test_clause_of_finds_the_clauses_of_the_plain_scan(text):
    from eventcoder.knowledge.clauses import clause_of

    outer = Span.of(text, 0, len(text))
    for point in range(0, len(text), 5):
        assert clause_of(text, outer, point) == _plain_clause_of(text, outer, point)
    inner = Span.of(text, 7, len(text) - 3)
    assert clause_of(text, inner, 20) == _plain_clause_of(text, inner, 20)


@pytest.mark.parametrize("text", [
    "The vote is expected on", "Talks will resume on", "Police are due to meet on", "He would not say on",
    "Fighting broke out on", "It ended shortly before", "no later than", "reported to have taken place on",
    "at around", "ÍS WİLL meet on", "they ſhall", "",
])
def test_gated_cue_patterns_find_what_the_plain_ones_find(text):
    finder = DateFinder()
    for cues in (finder.rx_future, finder.rx_bound, finder.rx_approx_before):
        plain, gated = cues.rx.search(text), cues.search(text)
        assert (gated.span() if gated else None) == (plain.span() if plain else None)
