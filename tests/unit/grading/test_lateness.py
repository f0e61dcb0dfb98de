"""learnkit.grading.lateness: due dates, submission times, extensions and late penalties."""
from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from learnkit.grading.lateness import (
    Lateness,
    LatePolicy,
    ManifestEntry,
    PolicyError,
    parse_when,
    read_extensions,
    read_manifest,
    submission_time,
)

SGT = timezone(timedelta(hours=8))
DUE = datetime(2026, 12, 1, 23, 59, tzinfo=SGT)


@pytest.fixture
def local_tz(monkeypatch):
    """The machine's local zone is Europe/Berlin (+01:00 in winter) for this test."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def write(tmp_path, text, name="f.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


# --- parse_when ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("2026-12-01T23:59", datetime(2026, 12, 1, 23, 59, tzinfo=SGT)),
    ("2026-12-01 23:59:00+08:00", datetime(2026, 12, 1, 23, 59, tzinfo=SGT)),
    ("2026-12-01T15:59Z", datetime(2026, 12, 1, 15, 59, tzinfo=UTC)),
    ("  2026-12-01  ", datetime(2026, 12, 1, 23, 59, 59, tzinfo=SGT)),  # a date alone: end of that day
    ("20261201", datetime(2026, 12, 1, 23, 59, 59, tzinfo=SGT)),
    ("2026-12-01T10:00:00-05:00", datetime(2026, 12, 1, 15, 0, tzinfo=UTC)),
])
def test_parse_when(text, expected):
    got = parse_when(text, tz=SGT)
    assert got == expected and got.utcoffset() is not None


def test_parse_when_keeps_an_explicit_offset_and_uses_tz_only_for_naive():
    got = parse_when("2026-12-01 23:59:00+08:00", tz="UTC")
    assert got.utcoffset() == timedelta(hours=8)
    got = parse_when("2026-07-01 12:00", tz="Europe/Berlin")  # a zone name; summer time there
    assert got.utcoffset() == timedelta(hours=2) and got.tzinfo == ZoneInfo("Europe/Berlin")
    assert parse_when("2026-12-01", tz="UTC") == datetime(2026, 12, 1, 23, 59, 59, tzinfo=UTC)


def test_parse_when_naive_is_the_local_zone(local_tz):
    got = parse_when("2026-12-01 12:00")
    assert got.utcoffset() == timedelta(hours=1)
    assert got == datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    assert parse_when("2026-07-01").utcoffset() == timedelta(hours=2)  # summer time


@pytest.mark.parametrize("text", ["tomorrow", "", "2026-13-01", "01/12/2026", "2026-12-01 25:00"])
def test_parse_when_bad_text(text):
    with pytest.raises(PolicyError) as e:
        parse_when(text)
    assert str(e.value) == (f"cannot read the time {text!r}: use ISO 8601, e.g. 2026-12-01T23:59, "
                            "2026-12-01 23:59:00+08:00 or 2026-12-01 (the end of that day)")


def test_parse_when_unknown_zone():
    with pytest.raises(PolicyError, match=r"unknown time zone 'Mars/Base': use a zone name such as"):
        parse_when("2026-12-01", tz="Mars/Base")


# --- manifest and submission time ------------------------------------------------------------------

def test_read_manifest(tmp_path):
    p = write(tmp_path, "\ufeffFilename,Submitted_At,Student\n"
                        "subs/ex5_s1.ipynb,2026-12-01T16:00:00Z,s1\n"
                        "C:\\\\dl\\\\ex5_s2.ipynb,2026-12-02 01:00,\n\n")
    m = read_manifest(p, tz=SGT)
    assert m == {"ex5_s1.ipynb": ManifestEntry(datetime(2026, 12, 1, 16, tzinfo=UTC), "s1"),
                 "ex5_s2.ipynb": ManifestEntry(datetime(2026, 12, 2, 1, tzinfo=SGT), None)}


@pytest.mark.parametrize("header", ["file,submitted", "path,time", "FILE , timestamp"])
def test_read_manifest_column_names(tmp_path, header):
    m = read_manifest(write(tmp_path, f"{header}\na.ipynb,2026-12-01T10:00+00:00\n"))
    assert m["a.ipynb"].submitted == datetime(2026, 12, 1, 10, tzinfo=UTC)


def test_read_manifest_errors(tmp_path):
    p = write(tmp_path, "file,submitted\na.ipynb,2026-12-01\nb.ipynb,yesterday\n")
    with pytest.raises(PolicyError) as e:
        read_manifest(p)
    assert str(e.value).startswith(f"{p} line 3: cannot read the time 'yesterday': use ISO 8601, e.g. ")
    p = write(tmp_path, "file,submitted\na.ipynb,2026-12-01\nx/a.ipynb,2026-12-02\n")
    with pytest.raises(PolicyError) as e:
        read_manifest(p)
    assert str(e.value) == f"{p} line 3: 'a.ipynb' is listed twice (also on line 2)"
    p = write(tmp_path, "file,submitted\n,2026-12-01\n")
    with pytest.raises(PolicyError) as e:
        read_manifest(p)
    assert str(e.value) == f"{p} line 2: the file name is empty"
    p = write(tmp_path, "name,when\na.ipynb,2026-12-01\n")
    with pytest.raises(PolicyError) as e:
        read_manifest(p)
    assert str(e.value) == (f"{p}: the manifest needs the column(s) file (or filename, path); "
                            "submitted (or submitted_at, time, timestamp); found 'name', 'when'")
    p = write(tmp_path, "\n\n")
    with pytest.raises(PolicyError) as e:
        read_manifest(p)
    assert str(e.value) == f"{p}: the manifest is empty; the first row must name the columns"
    p = write(tmp_path, "file,submitted\nAndr\xe9.ipynb,2026-12-01\n", encoding="latin-1")
    with pytest.raises(PolicyError) as e:
        read_manifest(p)
    assert str(e.value) == f"{p}: the manifest is not UTF-8 text; save it as 'CSV UTF-8'"


def test_submission_time_manifest_then_mtime(tmp_path, local_tz):
    nb = tmp_path / "ex5_s1.ipynb"
    nb.write_text("{}")
    mtime = datetime(2026, 12, 2, 9, 30, 15, tzinfo=UTC)
    os.utime(nb, (mtime.timestamp(), mtime.timestamp()))
    listed = datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert submission_time(nb, {"ex5_s1.ipynb": ManifestEntry(listed)}) == (listed, "manifest")
    for manifest in (None, {}, {"other.ipynb": ManifestEntry(listed)}):
        when, source = submission_time(nb, manifest)
        assert (when, source) == (mtime, "file mtime")
        assert when.utcoffset() == timedelta(hours=1)  # shown in the local zone


# --- extensions ------------------------------------------------------------------------------------

def test_read_extensions_by_date_and_by_days(tmp_path):
    p = write(tmp_path, "student,due,days\ns1,2026-12-05 12:00,\ns2,,2\ns3,2026-12-03T00:00Z,\ns4,,0.5\n")
    ext = read_extensions(p, DUE)
    assert ext == {"s1": datetime(2026, 12, 5, 12, tzinfo=SGT),  # naive: the course due's zone
                   "s2": DUE + timedelta(days=2), "s3": datetime(2026, 12, 3, tzinfo=UTC),
                   "s4": DUE + timedelta(hours=12)}
    assert ext["s1"].utcoffset() == timedelta(hours=8)


def test_read_extensions_dates_only_without_course_due(tmp_path):
    p = write(tmp_path, "id,due\ns1,2026-12-05\n")
    assert read_extensions(p, None, tz="UTC") == {"s1": datetime(2026, 12, 5, 23, 59, 59, tzinfo=UTC)}


@pytest.mark.parametrize("body,message", [
    ("student,days\ns1,2\n", ("line 2: 2 extra days for 's1' needs the course due date (give the due, or a "
                             "date in the 'due' column)")),
])
def test_read_extensions_days_need_a_due(tmp_path, body, message):
    p = write(tmp_path, body)
    with pytest.raises(PolicyError) as e:
        read_extensions(p, None)
    assert str(e.value) == f"{p} {message}"


@pytest.mark.parametrize("body,message", [
    ("student,due,days\ns1,2026-12-05,2\n", "line 2: give either a due or a number of days for 's1', not both"),
    ("student,due,days\ns1,,\n", "line 2: give either a due or a number of days for 's1', one of them"),
    ("student,days\ns1,-1\n", "line 2: days must be a number of days from 0, e.g. 2; got '-1'"),
    ("student,days\ns1,two\n", "line 2: days must be a number of days from 0, e.g. 2; got 'two'"),
    ("student,days\ns1,\u00b2\n", "line 2: days must be a number of days from 0, e.g. 2; got '\u00b2'"),
    ("student,days\ns1,4000\n", "line 2: days must be a number of days from 0, e.g. 2; got '4000'"),
    ("student,days\n,2\n", "line 2: the student is empty"),
    ("student,days\ns1,1\ns2,1\ns1,3\n", "line 4: 's1' is listed twice (also on line 2)"),
    ("student,due\ns1,next week\n", ("line 2: cannot read the time 'next week': use ISO 8601, e.g. 2026-12-01T23:59, "
                                    "2026-12-01 23:59:00+08:00 or 2026-12-01 (the end of that day)")),
])
def test_read_extensions_errors(tmp_path, body, message):
    p = write(tmp_path, body)
    with pytest.raises(PolicyError) as e:
        read_extensions(p, DUE)
    assert str(e.value) == f"{p} {message}"


def test_read_extensions_missing_columns(tmp_path):
    p = write(tmp_path, "who,until\ns1,2026-12-05\n")
    with pytest.raises(PolicyError) as e:
        read_extensions(p, DUE)
    assert str(e.value) == (f"{p}: the extensions file needs the column(s) student (or id, student_id); "
                            "due or days; found 'who', 'until'")


# --- assessing -------------------------------------------------------------------------------------

def policy(**kw):
    return LatePolicy(**{"due": DUE, "percent_per_day": 10.0, "cap_percent": 50.0, **kw})


def test_on_time_and_exactly_at_the_due():
    p = policy()
    assert p.assess("s1", DUE) == Lateness(DUE, DUE, 0.0, 0, 0.0, "on time")
    early = DUE - timedelta(days=3)
    assert p.assess("s1", early).penalty_percent == 0 and p.assess("s1", early).note == "on time"


def test_day_boundaries_any_part_of_a_day_counts_as_one():
    p = policy(cap_percent=100.0)
    cases = [(timedelta(seconds=1), 1), (timedelta(microseconds=1), 1), (timedelta(hours=23, minutes=59), 1),
             (timedelta(days=1), 1), (timedelta(days=1, seconds=1), 2), (timedelta(days=3), 3),
             (timedelta(days=3, microseconds=1), 4)]
    for late, days in cases:
        a = p.assess("s1", DUE + late)
        assert (a.days_late, a.penalty_percent, a.late_seconds) == (days, 10.0 * days, late.total_seconds()), late
    a = p.assess("s1", DUE + timedelta(seconds=1))
    assert a.note == "1 day late (due 2026-12-01 23:59 +08:00): -10%"


def test_time_zones_due_in_plus8_submission_in_utc():
    p = policy()
    # 15:59 UTC is 23:59 in +08:00: exactly on time
    assert p.assess("s1", datetime(2026, 12, 1, 15, 59, tzinfo=UTC)).days_late == 0
    # 16:00 UTC on Dec 1 is 00:00 on Dec 2 in +08:00: 1 minute late although it is still Dec 1 in UTC
    a = p.assess("s1", datetime(2026, 12, 1, 16, 0, tzinfo=UTC))
    assert (a.late_seconds, a.days_late, a.penalty_percent) == (60.0, 1, 10.0)
    # 23:00 UTC on Dec 1 looks "before midnight" but is 07:00 on Dec 2 in +08:00
    assert p.assess("s1", datetime(2026, 12, 1, 23, 0, tzinfo=UTC)).late_seconds == 7 * 3600 + 60


def test_daylight_saving_change_counts_real_seconds():
    berlin = ZoneInfo("Europe/Berlin")  # clocks go back 1 hour on 2026-10-25
    p = LatePolicy(due=datetime(2026, 10, 24, 12, 0, tzinfo=berlin), percent_per_day=10)
    a = p.assess("s1", datetime(2026, 10, 25, 12, 0, tzinfo=berlin))  # same wall clock, 25 hours later
    assert (a.late_seconds, a.days_late) == (25 * 3600.0, 2)


def test_naive_submission_is_local_time(local_tz):
    p = LatePolicy(due=datetime(2026, 12, 1, 12, 0, tzinfo=UTC), percent_per_day=5)
    assert p.assess("s1", datetime(2026, 12, 1, 13, 0)).days_late == 0  # 13:00 Berlin = 12:00 UTC
    assert p.assess("s1", datetime(2026, 12, 1, 13, 1)).days_late == 1


def test_cap():
    p = policy()  # 10% a day, at most 50%
    assert [p.assess("s", DUE + timedelta(days=d, seconds=-1)).penalty_percent for d in range(1, 9)] == \
        [10, 20, 30, 40, 50, 50, 50, 50]
    a = p.assess("s", DUE + timedelta(days=7))
    assert a.note == "7 days late (due 2026-12-01 23:59 +08:00): -50%" and a.days_late == 7
    assert LatePolicy(due=DUE, percent_per_day=12.5, cap_percent=30).assess("s", DUE + timedelta(days=2)).note \
        == "2 days late (due 2026-12-01 23:59 +08:00): -25%"


def test_late_without_a_penalty_rate():
    a = LatePolicy(due=DUE).assess("s", DUE + timedelta(hours=30))
    assert (a.days_late, a.penalty_percent, a.note) == (2, 0.0, "2 days late (due 2026-12-01 23:59 +08:00): no penalty")


def test_zero_after():
    cut = datetime(2026, 12, 8, 0, 0, tzinfo=SGT)
    p = policy(zero_after=cut)
    assert p.assess("s", cut).penalty_percent == 50  # at the cut-off: still the capped penalty
    a = p.assess("s", cut + timedelta(seconds=1))
    assert (a.penalty_percent, a.days_late) == (100.0, 7)
    assert a.note == "submitted after 2026-12-08 00:00: 0 points"
    assert p.apply(10, a) == 0.0
    # a cut-off in another zone is shown in the due's zone
    a = policy(zero_after=datetime(2026, 12, 7, 16, tzinfo=UTC)).assess("s", cut + timedelta(hours=1))
    assert a.note == "submitted after 2026-12-08 00:00: 0 points"
    # zero_after equal to the due: any lateness scores 0
    assert policy(zero_after=DUE).assess("s", DUE + timedelta(seconds=1)).penalty_percent == 100


def test_extensions_move_the_due_and_the_cut_off():
    cut = datetime(2026, 12, 8, 0, 0, tzinfo=SGT)
    ext = {"s2": DUE + timedelta(days=10), "s3": DUE - timedelta(days=1)}
    p = policy(zero_after=cut, extensions=ext)
    assert p.due_for("s2") == DUE + timedelta(days=10) and p.due_for("s1") == DUE and p.due_for("zz") == DUE
    assert p.zero_after_for("s2") == cut + timedelta(days=10) and p.zero_after_for("s1") == cut
    assert p.zero_after_for("s3") == cut  # an earlier personal due never moves the cut-off earlier
    # on s2's personal due, 10 days after the course due and after the course cut-off: on time
    a = p.assess("s2", DUE + timedelta(days=10))
    assert (a.penalty_percent, a.extended, a.note) == (0.0, True, "on time (due 2026-12-11 23:59 +08:00, extension)")
    a = p.assess("s2", DUE + timedelta(days=12))
    assert (a.days_late, a.penalty_percent) == (2, 20.0)
    assert a.note == "2 days late (due 2026-12-11 23:59 +08:00, extension): -20%"
    a = p.assess("s2", cut + timedelta(days=10, seconds=1))
    assert (a.penalty_percent, a.note) == (100.0, "submitted after 2026-12-18 00:00: 0 points")
    # the same time for a student without an extension is past the cut-off
    assert p.assess("s1", DUE + timedelta(days=10)).penalty_percent == 100
    assert p.assess("s3", DUE).days_late == 1 and p.assess("s3", DUE).extended


def test_extension_read_from_days_applies(tmp_path):
    ext = read_extensions(write(tmp_path, "student,days\ns1,3\n"), DUE)
    p = policy(extensions=ext)
    assert p.assess("s1", DUE + timedelta(days=3)).note == "on time (due 2026-12-04 23:59 +08:00, extension)"
    assert p.assess("s1", DUE + timedelta(days=3, seconds=1)).days_late == 1


def test_no_due_is_never_late_and_unknown_time_is_not_late():
    far = datetime(2030, 1, 1, tzinfo=UTC)
    assert LatePolicy().assess("s", far) == Lateness(None, far, 0.0, 0, 0.0, "no due date")
    a = policy().assess("s", None)
    assert a == Lateness(DUE, None, 0.0, 0, 0.0, "submission time unknown: no late penalty")
    # a personal due applies even without a course due
    only = LatePolicy(percent_per_day=10, extensions={"s1": DUE})
    assert only.assess("s1", DUE + timedelta(hours=1)).days_late == 1 and only.assess("s2", far).days_late == 0


def test_apply():
    p = policy()
    assert p.apply(8.0, p.assess("s", DUE)) == 8.0
    assert p.apply(8.0, p.assess("s", DUE + timedelta(days=2))) == pytest.approx(6.4)
    assert p.apply(8.0, Lateness(DUE, DUE, 1, 1, 100.0, "")) == 0.0
    assert p.apply(-2.0, Lateness(DUE, DUE, 1, 1, 10.0, "")) == 0.0  # never below 0


@pytest.mark.parametrize("kw,message", [
    ({"percent_per_day": -1}, "percent per day must be a number from 0 to 100, got -1"),
    ({"percent_per_day": 101}, "percent per day must be a number from 0 to 100, got 101"),
    ({"percent_per_day": float("nan")}, "percent per day must be a number from 0 to 100, got nan"),
    ({"cap_percent": 150.0}, "cap percent must be a number from 0 to 100, got 150.0"),
    ({"cap_percent": "50"}, "cap percent must be a number from 0 to 100, got '50'"),
    ({"zero_after": DUE - timedelta(seconds=1)},
     "the 0-points cut-off 2026-12-01 23:58 +08:00 is before the due 2026-12-01 23:59 +08:00"),
    ({"due": None, "zero_after": DUE}, "0 points after a cut-off needs a due date"),
    ({"due": datetime(2026, 12, 1)}, ("due: datetime.datetime(2026, 12, 1, 0, 0) must be a date and time with a "
                                      "time zone (see parse_when)")),
    ({"extensions": {"s1": "2026-12-03"}}, ("s1: '2026-12-03' must be a date and time with a time zone (see "
                                            "parse_when)")),
])
def test_policy_validation(kw, message):
    with pytest.raises(PolicyError) as e:
        policy(**kw)
    assert str(e.value) == message


def test_json_round_trip():
    berlin = ZoneInfo("Europe/Berlin")
    p = LatePolicy(due=datetime(2026, 12, 1, 23, 59, tzinfo=berlin), percent_per_day=12.5, cap_percent=37.5,
                   zero_after=datetime(2026, 12, 8, 0, 0, 0, 250, tzinfo=SGT),
                   extensions={"s1": datetime(2026, 12, 3, 23, 59, 59, tzinfo=UTC), "ä-2": DUE})
    text = p.to_json()
    q = LatePolicy.from_json(text)
    assert q == p and q.extensions == p.extensions and q.to_json() == text
    assert q.due.tzinfo == berlin and q.due.hour == 23 and q.zero_after.utcoffset() == timedelta(hours=8)
    assert q.describe() == p.describe()
    assert LatePolicy.from_json(LatePolicy().to_json()) == LatePolicy()


@pytest.mark.parametrize("text", ["not json", "[]", '{"due": "soon"}', '{"percent_per_day": 200}'])
def test_from_json_bad_text(text):
    with pytest.raises(PolicyError, match=r"^(cannot read the stored late policy|percent per day must)"):
        LatePolicy.from_json(text)


def test_describe():
    cut = datetime(2026, 12, 8, 0, 0, tzinfo=SGT)
    ext = {f"s{i}": DUE for i in range(3)}
    assert policy(zero_after=cut, extensions=ext).describe() == \
        "due 2026-12-01 23:59 +08:00; -10% per day late, at most 50%; 0 points after 2026-12-08 00:00; 3 extensions"
    assert LatePolicy(due=DUE, percent_per_day=5, zero_after=datetime(2026, 12, 8, tzinfo=UTC),
                      extensions={"s": DUE}).describe() == \
        "due 2026-12-01 23:59 +08:00; -5% per day late; 0 points after 2026-12-08 00:00 +00:00; 1 extension"
    assert LatePolicy(due=DUE).describe() == "due 2026-12-01 23:59 +08:00; no late penalty"
    assert LatePolicy().describe() == "no due date"
    assert LatePolicy(percent_per_day=10).describe() == "no due date"
    assert LatePolicy(percent_per_day=10, extensions={"s": DUE}).describe() == \
        "no due date; -10% per day late; 1 extension"
