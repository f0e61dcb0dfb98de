"""Late submissions: when a file was handed in, its student's due date, and the penalty.

Times (``parse_when``): ISO 8601, e.g. ``2026-12-01T23:59``, ``2026-12-01 23:59:00+08:00``,
``2026-12-01T15:59Z``; a date alone means the end of that day (23:59:59). A time without an offset
is in *tz* (a tzinfo or a zone name such as ``"Asia/Singapore"``), else the machine's local zone.
All times are aware; differences are computed in UTC (correct across daylight-saving changes).

Submission time (``submission_time``): the manifest's (an LMS export listing file and time, keyed
by the file's base name) when it lists the file, else the file's modification time.

Extensions (``read_extensions``): per student, either a personal ``due`` or extra ``days`` added
to the course due. A naive extension time is in the course due's zone.

Penalty (``LatePolicy.assess``), for the student's due (their extension, else the course due):
* no due, or submission time unknown -> not late, no penalty;
* late by any amount -> ``days_late`` = whole days, any part of a day counting as one
  (1 second late = 1 day), penalty = min(cap_percent, percent_per_day * days_late);
* submitted strictly after ``zero_after`` -> penalty 100 (0 points). An extension moves the
  student's ``zero_after`` by as much as it moves their due (only ever later): otherwise a student
  given a week past the cut-off could only score 0 on their own due date.
Validation (``PolicyError``): percents in 0..100, ``zero_after`` needs a due and is not before it,
times are aware.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path, PureWindowsPath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EXAMPLE = "e.g. 2026-12-01T23:59, 2026-12-01 23:59:00+08:00 or 2026-12-01 (the end of that day)"
DAY = timedelta(days=1)


class PolicyError(ValueError):
    """A late policy, manifest or extension file that cannot be used; the message says what and where."""


def _zone(tz) -> tzinfo | None:
    if tz is None or isinstance(tz, tzinfo):
        return tz
    if str(tz).strip().upper() in ("UTC", "Z"):
        return UTC
    try:
        return ZoneInfo(str(tz).strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise PolicyError(f"unknown time zone {tz!r}: use a zone name such as 'Europe/Berlin' or 'UTC'") from None


def _aware(dt: datetime, tz=None) -> datetime:
    if dt.tzinfo is not None and dt.utcoffset() is not None:
        return dt
    zone = _zone(tz)
    return dt.replace(tzinfo=zone) if zone else dt.astimezone()  # astimezone(): the local zone


def parse_when(text: str, *, tz=None) -> datetime:
    """An aware datetime from ISO 8601 text; a date alone is 23:59:59 that day (see the module doc)."""
    tz = _zone(tz)
    if isinstance(text, datetime):
        return _aware(text, tz)
    s = str(text).strip()
    try:
        if len(s) <= 10:  # a date alone: the end of that day
            return _aware(datetime.combine(date.fromisoformat(s), time(23, 59, 59)), tz)
    except ValueError:
        pass
    try:
        return _aware(datetime.fromisoformat(s), tz)
    except ValueError:
        raise PolicyError(f"cannot read the time {str(text)!r}: use ISO 8601, {EXAMPLE}") from None


def _utc(dt: datetime) -> datetime:
    return dt.astimezone(UTC)  # differences of times in one ZoneInfo zone would be wall-clock ones


def _fmt(dt: datetime, ref: datetime | None = None) -> str:
    """``2026-12-01 23:59 +08:00``; the offset is left out when it is *ref*'s."""
    off = dt.strftime("%z")
    same = ref is not None and ref.utcoffset() == dt.utcoffset()
    return dt.strftime("%Y-%m-%d %H:%M") + ("" if same else f" {off[:3]}:{off[3:5]}")


def _read_csv(path, what: str, columns: dict[str, tuple[str, ...]], required: dict[str, str]):
    """(path, [(line, {key: cell})]); *columns*: key -> accepted names; *required*: "keys" -> how to say them."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as e:
        raise PolicyError(f"{path}: cannot read the {what} ({e.strerror or type(e).__name__})") from None
    except UnicodeDecodeError:
        raise PolicyError(f"{path}: the {what} is not UTF-8 text; save it as 'CSV UTF-8'") from None
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next((r for r in rows if any(c.strip() for c in r)), None)
    if header is None:
        raise PolicyError(f"{path}: the {what} is empty; the first row must name the columns")
    names = {h.strip().casefold(): i for i, h in reversed(list(enumerate(header)))}
    col = {k: next((names[a] for a in acc if a in names), None) for k, acc in columns.items()}
    missing = [how for keys, how in required.items() if all(col[k] is None for k in keys.split())]
    if missing:
        found = ", ".join(repr(h.strip()) for h in header)
        raise PolicyError(f"{path}: the {what} needs the column(s) {'; '.join(missing)}; found {found}")
    cell = lambda row, i: row[i].strip() if i is not None and i < len(row) else ""
    return path, [(rows.line_num, {k: cell(r, i) for k, i in col.items()}) for r in rows if any(c.strip() for c in r)]


def _when(path, line, text, tz) -> datetime:
    try:
        return parse_when(text, tz=tz)
    except PolicyError as e:
        raise PolicyError(f"{path} line {line}: {e}") from None


@dataclass(frozen=True)
class ManifestEntry:
    submitted: datetime
    student: str | None = None


MANIFEST_COLUMNS = {"file": ("file", "filename", "path"),
                    "submitted": ("submitted", "submitted_at", "time", "timestamp"), "student": ("student",)}


def read_manifest(path, *, tz=None) -> dict[str, ManifestEntry]:
    """file base name -> ManifestEntry, from a CSV of ``file`` and ``submitted`` (+ ``student``)."""
    out: dict[str, ManifestEntry] = {}
    lines: dict[str, int] = {}
    p, rows = _read_csv(path, "manifest", MANIFEST_COLUMNS, {"file": "file (or filename, path)",
                        "submitted": "submitted (or submitted_at, time, timestamp)"})
    for line, row in rows:
        if not row["file"]:
            raise PolicyError(f"{p} line {line}: the file name is empty")
        name = PureWindowsPath(row["file"]).name if "\\" in row["file"] else Path(row["file"]).name
        when = _when(p, line, row["submitted"], tz)
        if name in out:
            raise PolicyError(f"{p} line {line}: {name!r} is listed twice (also on line {lines[name]})")
        out[name], lines[name] = ManifestEntry(when, row["student"] or None), line
    return out


def submission_time(path: Path, manifest: dict[str, ManifestEntry] | None) -> tuple[datetime, str]:
    """(time, "manifest") when the manifest lists the file's base name, else (mtime, "file mtime")."""
    path = Path(path)
    if manifest and path.name in manifest:
        return manifest[path.name].submitted, "manifest"
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).astimezone(), "file mtime"


EXTENSION_COLUMNS = {"student": ("student", "id", "student_id"), "due": ("due",), "days": ("days",)}


def read_extensions(path, due: datetime | None, *, tz=None) -> dict[str, datetime]:
    """student id -> personal due, from a CSV of ``student`` and ``due`` or ``days`` (see the module doc)."""
    out: dict[str, datetime] = {}
    lines: dict[str, int] = {}
    tz = tz if tz is not None else (due.tzinfo if due is not None else None)
    p, rows = _read_csv(path, "extensions file", EXTENSION_COLUMNS,
                        {"student": "student (or id, student_id)", "due days": "due or days"})
    for line, row in rows:
        student, when, days = row["student"], row["due"], row["days"]
        if not student:
            raise PolicyError(f"{p} line {line}: the student is empty")
        if bool(when) == bool(days):
            raise PolicyError(f"{p} line {line}: give either a due or a number of days for {student!r}, "
                              f"{'not both' if when else 'one of them'}")
        if student in out:
            raise PolicyError(f"{p} line {line}: {student!r} is listed twice (also on line {lines[student]})")
        if when:
            out[student] = _when(p, line, when, tz)
        else:
            n = float(days) if days.replace(".", "", 1).isdecimal() else -1
            if not 0 <= n < 3660:
                raise PolicyError(f"{p} line {line}: days must be a number of days from 0, e.g. 2; got {days!r}")
            if due is None:
                raise PolicyError(f"{p} line {line}: {days} extra days for {student!r} needs the course "
                                  f"due date (give the due, or a date in the 'due' column)")
            out[student] = due + timedelta(days=n)
        lines[student] = line
    return out


@dataclass(frozen=True)
class Lateness:
    due: datetime | None
    submitted: datetime | None
    late_seconds: float  # 0 when on time
    days_late: int  # whole days, any part of a day counting as one; 0 when on time
    penalty_percent: float  # 0..100
    note: str  # one short sentence for the reports
    extended: bool = False  # *due* is the student's extension


def _dt_json(dt: datetime | None):  # a ZoneInfo keeps its name: 2026-12-01T23:59:00+01:00[Europe/Berlin]
    if dt is None:
        return None
    key = dt.tzinfo.key if isinstance(dt.tzinfo, ZoneInfo) else ""
    return dt.isoformat() + (f"[{key}]" if key else "")


def _dt_from_json(s):
    text, _, key = str(s).partition("[")
    return None if s is None else datetime.fromisoformat(text).astimezone(ZoneInfo(key[:-1])) if key \
        else datetime.fromisoformat(text)


@dataclass(frozen=True)
class LatePolicy:
    """A course due, a penalty per day late up to a cap, a cut-off after which work scores 0, and
    personal extensions (student id -> due). The rules are in the module docstring."""
    due: datetime | None = None
    percent_per_day: float = 0.0
    cap_percent: float = 100.0
    zero_after: datetime | None = None
    extensions: dict[str, datetime] = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self):
        for name in ("percent_per_day", "cap_percent"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 100:
                raise PolicyError(f"{name.replace('_', ' ')} must be a number from 0 to 100, got {v!r}")
        for name, dt in [("due", self.due), ("zero after", self.zero_after), *self.extensions.items()]:
            if dt is not None and (not isinstance(dt, datetime) or dt.utcoffset() is None):
                raise PolicyError(f"{name}: {dt!r} must be a date and time with a time zone (see parse_when)")
        if self.zero_after is not None and self.due is None:
            raise PolicyError("0 points after a cut-off needs a due date")
        if self.zero_after is not None and self.due is not None and _utc(self.zero_after) < _utc(self.due):
            raise PolicyError(f"the 0-points cut-off {_fmt(self.zero_after)} is before the due {_fmt(self.due)}")

    def due_for(self, student: str) -> datetime | None:
        """The student's extension, else the course due."""
        return self.extensions.get(student, self.due)

    def zero_after_for(self, student: str) -> datetime | None:
        """The cut-off, moved later by as much as the student's extension moves their due."""
        due = self.due_for(student)
        if self.zero_after is None or due is None or self.due is None:  # (a cut-off comes with a due)
            return self.zero_after
        shift = max(timedelta(0), _utc(due) - _utc(self.due))
        return (_utc(self.zero_after) + shift).astimezone(self.zero_after.tzinfo)

    def assess(self, student: str, submitted: datetime | None) -> Lateness:
        due, ext = self.due_for(student), student in self.extensions
        if submitted is None:
            return Lateness(due, None, 0.0, 0, 0.0, "submission time unknown: no late penalty", ext)
        submitted = _aware(submitted)
        if due is None:
            return Lateness(None, submitted, 0.0, 0, 0.0, "no due date", ext)
        where = f"due {_fmt(due)}{', extension' if ext else ''}"
        late = _utc(submitted) - _utc(due)
        if late <= timedelta(0):
            return Lateness(due, submitted, 0.0, 0, 0.0, "on time" + (f" ({where})" if ext else ""), ext)
        days = -(-late // DAY)  # ceil: any part of a day counts as one
        cut = self.zero_after_for(student)
        if cut is not None and _utc(submitted) > cut:
            note = f"submitted after {_fmt(cut.astimezone(due.tzinfo), due)}: 0 points"
            return Lateness(due, submitted, late.total_seconds(), days, 100.0, note, ext)
        penalty = round(min(self.cap_percent, self.percent_per_day * days), 9)
        cost = f"-{penalty:g}%" if penalty else "no penalty"
        note = f"{days} day{'s' if days != 1 else ''} late ({where}): {cost}"
        return Lateness(due, submitted, late.total_seconds(), days, float(penalty), note, ext)

    def apply(self, points: float, lateness: Lateness) -> float:
        """*points* less the penalty, never below 0."""
        return max(0.0, points * (1 - lateness.penalty_percent / 100))

    def to_json(self) -> str:
        return json.dumps({"due": _dt_json(self.due), "percent_per_day": self.percent_per_day,
                           "cap_percent": self.cap_percent, "zero_after": _dt_json(self.zero_after),
                           "extensions": {k: _dt_json(v) for k, v in self.extensions.items()}}, sort_keys=True)

    @classmethod
    def from_json(cls, text) -> LatePolicy:
        try:
            d = json.loads(text)
            return cls(due=_dt_from_json(d.get("due")), percent_per_day=d.get("percent_per_day", 0.0),
                       cap_percent=d.get("cap_percent", 100.0), zero_after=_dt_from_json(d.get("zero_after")),
                       extensions={k: _dt_from_json(v) for k, v in (d.get("extensions") or {}).items()})
        except (ValueError, TypeError, AttributeError, KeyError) as e:
            if isinstance(e, PolicyError):
                raise
            raise PolicyError(f"cannot read the stored late policy ({type(e).__name__}: {e})") from None

    def describe(self) -> str:
        """One line: ``due 2026-12-01 23:59 +08:00; -10% per day late, at most 50%; ...``."""
        parts = [f"due {_fmt(self.due)}" if self.due else "no due date"]
        if self.percent_per_day and (self.due or self.extensions):
            cap = f", at most {self.cap_percent:g}%" if self.cap_percent < 100 else ""
            parts.append(f"-{self.percent_per_day:g}% per day late{cap}")
        elif self.due or self.extensions:
            parts.append("no late penalty")
        if self.zero_after:
            parts.append(f"0 points after {_fmt(self.zero_after, self.due)}")
        if self.extensions:
            parts.append(f"{len(self.extensions)} extension{'s' if len(self.extensions) != 1 else ''}")
        return "; ".join(parts)
