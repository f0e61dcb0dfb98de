"""The class roster: who the students are, and which student a submitted file belongs to.

Reading (``Roster.read``): a CSV file, UTF-8 with or without a BOM (``;`` or tab separated files
are recognised from the header line). The first non-blank row is the header; column names are
compared case-insensitively after trimming whitespace.

* id column: the first of ``id``, ``student_id``, ``student id``, ``SIS User ID``, ``ID``, ``login``
  that exists (so a Canvas gradebook export is keyed by its Canvas ``ID``);
* name column (optional): ``name``, ``Student`` or ``student_name``;
* aliases (optional): ``aliases`` (several separated by ``;``), ``email`` (the address and its
  part before the ``@``), and the other identity columns: those id columns that are not the id
  (e.g. Canvas's ``SIS User ID``, the student number) and ``SIS Login ID``;
* every column but the id and name is kept as it is in ``Student.extra`` (for LMS exports).

Skipped rows: blank rows, rows with an empty id, a Canvas "Points Possible" row and Canvas's
test student (name "Student, Test"). Errors (``RosterError``, one line naming the file and line):
not UTF-8, empty file, no header (the first row looks like a student: an e-mail address or a
number in it), no id column (lists the columns found and the accepted names), a duplicate id
(ids equal after normalising count as duplicates), no students.

Matching (``Roster.match``). Normalising a text: Unicode compatibility forms, accents dropped
(students often type ``Lopez`` for ``López``), casefolded, and every run of non-alphanumeric
characters is a separator, so ``"Doe, José"`` gives the tokens ``doe jose``.
A student's keys are the id, each alias and the name; the name also as its tokens run together
(``doejane``, the Canvas file-name spelling) and, for "Last, First" names, as ``jane doe`` and
``janedoe``.

1. The file stem's tokens equal a key's tokens -> that student (how="file name").
2. Else the stem's tokens contain a key's tokens as a contiguous run of whole tokens
   (``ex5_s1234_late`` contains ``s1234``; Canvas's ``doejane_12345_678_ex5`` contains the Canvas
   id ``12345``). Keys shorter than 2 characters never match this way. Exactly one student
   matched -> that student; several -> no student, their ids in ``candidates`` (roster order).
   (Rule 1 with several students, e.g. two with the same name, is ambiguous the same way.)
3. Else ``claimed`` (the notebook metadata's student, which the student controls) equals an id or
   alias of exactly one student (normalised; never the name) -> that student
   (how="notebook metadata"). The claim is never used to choose among rule 2's candidates.
4. Else unmatched: ``Match(None, "")``.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ID_COLUMNS = ("id", "student_id", "student id", "SIS User ID", "ID", "login")
NAME_COLUMNS = ("name", "Student", "student_name")
ALIAS_COLUMNS = (*ID_COLUMNS, "SIS Login ID")  # those that are not the id column give aliases
SKIP_NAMES = ("points possible", "student, test")
_TOKEN = re.compile(r"[^\W_]+")


class RosterError(ValueError):
    """The roster file cannot be used; the message names the file, the line and what is wrong."""


@dataclass(frozen=True)
class Student:
    id: str
    name: str = ""
    aliases: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Match:
    student: Student | None
    how: str  # "file name", "notebook metadata", or "" when unmatched
    candidates: tuple[str, ...] = ()


def tokens(text: str) -> tuple[str, ...]:
    """``"Doe, JOSÉ-x"`` -> ``("doe", "jose", "x")``: accents dropped, casefolded, split at non-alphanumerics."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", str(text)) if not unicodedata.combining(c))
    return tuple(_TOKEN.findall(unicodedata.normalize("NFC", plain).casefold()))


def _name_keys(name: str) -> list[tuple[str, ...]]:
    toks = tokens(name)
    keys = [toks, ("".join(toks),)]
    if "," in name:  # "Last, First" -> also "First Last"
        last, first = tokens(name.split(",", 1)[0]), tokens(name.split(",", 1)[1])
        if last and first:
            keys += [first + last, ("".join(first + last),)]
    return keys


def _contains(hay: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return any(hay[i:i + n] == needle for i in range(len(hay) - n + 1))


class Roster:
    """Students in roster order; ``match`` says which one a submission belongs to."""

    def __init__(self, students, *, path=None, columns=(), id_column="id", name_column=None):
        self.students: list[Student] = list(students)
        self.path = path
        self.columns: tuple[str, ...] = tuple(columns)  # the header as read
        self.id_column, self.name_column = id_column, name_column
        self._by_id = {s.id: s for s in self.students}
        self._keys = []  # (student, key tokens, key may be claimed in notebook metadata)
        for s in self.students:
            for k in [tokens(s.id), *map(tokens, s.aliases)]:
                self._keys.append((s, k, True))
            for k in _name_keys(s.name) if s.name else ():
                self._keys.append((s, k, False))
        self._keys = [(s, k, c) for s, k, c in self._keys if k]

    def __len__(self):
        return len(self.students)

    @classmethod
    def read(cls, path) -> Roster:
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as e:
            raise RosterError(f"{path}: cannot read the roster ({e.strerror or type(e).__name__})") from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            line = raw[:e.start].count(b"\n") + 1
            raise RosterError(f"{path} line {line}: not UTF-8 text (byte 0x{raw[e.start]:02x}); "
                              "save the roster as 'CSV UTF-8'") from None
        if not text.strip():
            raise RosterError(f"{path}: the file is empty; expected a header row (e.g. id,name,email) "
                              "and one row per student")
        first = next(ln for ln in text.splitlines() if ln.strip())
        delim = max(",;\t", key=first.count) if any(c in first for c in ",;\t") else ","
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        header = next(r for r in rows if any(c.strip() for c in r))
        hline = rows.line_num
        header = [h.strip() for h in header]
        col: dict[str, int] = {}
        for i, h in enumerate(header):
            col.setdefault(h.casefold(), i)
        idc = next((col[c.casefold()] for c in ID_COLUMNS if c.casefold() in col), None)
        if idc is None:
            found = ", ".join(repr(h) for h in header)
            if any("@" in h or h.isdigit() for h in header):
                raise RosterError(f"{path} line {hline}: no header row: {found} looks like a student; "
                                  f"the first row must name the columns, e.g. id,name,email")
            raise RosterError(f"{path} line {hline}: no id column; found {found}; accepted (first "
                              f"present is used): {', '.join(ID_COLUMNS)}")
        namec = next((col[c.casefold()] for c in NAME_COLUMNS if c.casefold() in col), None)
        aliasc, emailc = col.get("aliases"), col.get("email")
        otherc = dict.fromkeys(col[c.casefold()] for c in ALIAS_COLUMNS if col.get(c.casefold(), idc) != idc)
        students: list[Student] = []
        seen: dict[tuple[str, ...], tuple[str, int]] = {}
        for row in rows:
            cell = lambda i, row=row: row[i].strip() if i is not None and i < len(row) else ""
            sid, name = cell(idc), cell(namec)
            if not sid or name.casefold() in SKIP_NAMES:
                continue
            key = tokens(sid) or (sid,)
            if key in seen:
                first_id, first_line = seen[key]
                raise RosterError(f"{path} line {rows.line_num}: duplicate id {sid!r} (already on line "
                                  f"{first_line}{'' if first_id == sid else f' as {first_id!r}'})")
            seen[key] = (sid, rows.line_num)
            named = [a.strip() for a in cell(aliasc).split(";")] if aliasc is not None else []
            email = cell(emailc)
            named += [email, email.split("@", 1)[0]] if "@" in email else [email]
            named += [cell(i) for i in otherc]
            aliases = tuple(dict.fromkeys(a for a in named if a and a != sid))
            extra = {h: cell(i) for i, h in enumerate(header) if i not in (idc, namec) and h}
            students.append(Student(id=sid, name=name, aliases=aliases, extra=extra))
        if not students:
            raise RosterError(f"{path}: no students (only the header on line {hline}, or every row "
                              f"has an empty {header[idc]!r})")
        return cls(students, path=path, columns=header, id_column=header[idc],
                   name_column=None if namec is None else header[namec])

    def match(self, file_stem: str, claimed: str | None = None) -> Match:
        stem = tokens(file_stem)
        found = [s for s, k, _ in self._keys if k == stem] if stem else []
        if not found:
            found = [s for s, k, _ in self._keys if len("".join(k)) >= 2 and _contains(stem, k)]
        ids = tuple(dict.fromkeys(s.id for s in found))
        if len(ids) == 1:
            return Match(found[0], "file name")
        if ids:
            order = {s.id: i for i, s in enumerate(self.students)}
            return Match(None, "", tuple(sorted(ids, key=order.__getitem__)))
        want = tokens(claimed) if claimed else ()
        claims = {s.id: s for s, k, may in self._keys if may and want and k == want}
        if len(claims) == 1:
            return Match(next(iter(claims.values())), "notebook metadata")
        return Match(None, "")

    def get(self, student_id: str) -> Student | None:
        """The student with this id (exactly, else equal after normalising)."""
        if student_id in self._by_id:
            return self._by_id[student_id]
        want = tokens(student_id)
        return next((s for s in self.students if want and tokens(s.id) == want), None)

    def missing(self, seen_ids) -> list[Student]:
        """Roster students whose id is not in *seen_ids*, in roster order."""
        seen = set(seen_ids)
        return [s for s in self.students if s.id not in seen]
