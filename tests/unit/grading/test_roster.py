"""learnkit.grading.roster: reading roster CSVs (Canvas exports included) and matching files to students."""
from __future__ import annotations

import pytest

from learnkit.grading.roster import Match, Roster, RosterError, Student, tokens


def write(tmp_path, text, name="roster.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return p


@pytest.fixture
def roster(tmp_path):
    return Roster.read(write(tmp_path, (
        "id,name,email,aliases,section\n"
        "s1234,Jane Doe,jane.doe@uni.edu,jdoe;JD-42,A\n"
        "s5678,\"Smith, John\",js@uni.edu,,B\n"
        "s9999,Ana María López,,,B\n"
        "x7,Al,,,C\n")))


# --- reading ---------------------------------------------------------------------------------------

def test_reads_students_in_order_with_aliases_and_extra_columns(roster):
    assert [s.id for s in roster.students] == ["s1234", "s5678", "s9999", "x7"]
    jane = roster.get("s1234")
    assert jane.name == "Jane Doe"
    assert jane.aliases == ("jdoe", "JD-42", "jane.doe@uni.edu", "jane.doe")
    assert jane.extra == {"email": "jane.doe@uni.edu", "aliases": "jdoe;JD-42", "section": "A"}
    assert roster.get("s5678").aliases == ("js@uni.edu", "js")
    assert roster.get("s9999").aliases == ()
    assert roster.id_column == "id" and roster.name_column == "name" and len(roster) == 4


def test_student_equality_ignores_extra():
    assert Student("a1", "A", extra={"x": 1}) == Student("a1", "A", extra={"x": 2})
    assert hash(Student("a1", "A", extra={"x": 1})) == hash(Student("a1", "A"))


def test_canvas_export_with_points_possible_and_test_student(tmp_path):
    text = ("Student,ID,SIS User ID,SIS Login ID,Section,Ex5 (123)\n"
            "    Points Possible,,,,,10.00\n"
            "\"Doe, Jane\",12345,2020001,jdoe,Deep Learning A,8\n"
            "\"Smith, John\",12346,2020002,jsmith,Deep Learning B,\n"
            "\"Student, Test\",99999,,,Deep Learning A,\n"
            ",,,,,\n")
    r = Roster.read(write(tmp_path, "\ufeff" + text))  # Excel/Canvas put a BOM first
    assert r.id_column == "ID" and r.name_column == "Student"
    assert [(s.id, s.name) for s in r.students] == [("12345", "Doe, Jane"), ("12346", "Smith, John")]
    jane = r.students[0]
    assert jane.aliases == ("2020001", "jdoe")  # the student number and login identify her too
    assert jane.extra == {"SIS User ID": "2020001", "SIS Login ID": "jdoe", "Section": "Deep Learning A",
                          "Ex5 (123)": "8"}
    # Canvas names downloads lastfirst_<canvas id>_<attachment id>_<original name>
    assert r.match("doejane_12345_678_ex5") == Match(jane, "file name")
    assert r.match("doejane_LATE_12345_678_ex5").student == jane
    assert r.match("smithjohn_12346_700_Ex5-1").student.id == "12346"
    assert r.match("jane_doe_ex5").student == jane  # "Last, First" is also First Last
    assert r.match("ex5_2020001") == Match(jane, "file name")  # students know their student number
    assert r.match("notebook", claimed="2020002").student.id == "12346"
    assert r.match("notebook", claimed="JSmith").student.id == "12346"


@pytest.mark.parametrize("header,expected,sid", [
    ("student_id,name", "student_id", "c1"), ("Student ID,name", "Student ID", "c1"), ("  ID ,name", "ID", "c1"),
    ("login,name", "login", "c1"), ("SIS User ID,login", "SIS User ID", "c1"), ("login,Student ID,id", "id", "c3"),
    ("name,login,student id", "student id", "c3"),
])
def test_id_column_is_the_first_accepted_name_present(tmp_path, header, expected, sid):
    r = Roster.read(write(tmp_path, f"{header}\nc1,c2,c3\n"))
    assert r.id_column == expected
    assert r.students[0].id == sid
    # the other identity columns are aliases, in the order of the accepted names
    assert r.students[0].aliases == {"login,Student ID,id": ("c2", "c1"), "SIS User ID,login": ("c2",),
                                     "name,login,student id": ("c2",)}.get(header, ())


def test_name_column_alternatives_and_no_name(tmp_path):
    assert Roster.read(write(tmp_path, "id,student_name\na1,Jo\n")).students[0].name == "Jo"
    r = Roster.read(write(tmp_path, "id,Section\na1,B\n"))
    assert r.students == [Student("a1")] and r.name_column is None and r.students[0].extra == {"Section": "B"}


def test_semicolon_separated_roster(tmp_path):
    r = Roster.read(write(tmp_path, "id;name;email\ns1;Jo Lee;jo@x.org\n"))
    assert r.students == [Student("s1", "Jo Lee", ("jo@x.org", "jo"))]


def test_rows_with_empty_id_are_skipped(tmp_path):
    r = Roster.read(write(tmp_path, "id,name\n\n ,Nobody\ns1,Jo\n"))
    assert [s.id for s in r.students] == ["s1"]


def test_error_not_utf8(tmp_path):
    p = write(tmp_path, "id,name\ns1,Jo\ns2,Andr\xe9\n", encoding="latin-1")
    with pytest.raises(RosterError) as e:
        Roster.read(p)
    assert str(e.value) == f"{p} line 3: not UTF-8 text (byte 0xe9); save the roster as 'CSV UTF-8'"


@pytest.mark.parametrize("text", ["", "\n \n", "\ufeff"])
def test_error_empty_file(tmp_path, text):
    p = write(tmp_path, text)
    with pytest.raises(RosterError, match="the file is empty; expected a header row") as e:
        Roster.read(p)
    assert str(e.value).startswith(f"{p}: ")


def test_error_no_header(tmp_path):
    p = write(tmp_path, "s1234,Jane Doe,jane@uni.edu\n")
    with pytest.raises(RosterError) as e:
        Roster.read(p)
    assert str(e.value) == (f"{p} line 1: no header row: 's1234', 'Jane Doe', 'jane@uni.edu' looks like a "
                            "student; the first row must name the columns, e.g. id,name,email")


def test_error_no_id_column_lists_found_and_accepted(tmp_path):
    p = write(tmp_path, "\nName,E-mail,Group\nJo,jo@x.org,1\n")
    with pytest.raises(RosterError) as e:
        Roster.read(p)
    assert str(e.value) == (f"{p} line 2: no id column; found 'Name', 'E-mail', 'Group'; accepted (first "
                            "present is used): id, student_id, student id, SIS User ID, ID, login")


def test_error_duplicate_id(tmp_path):
    p = write(tmp_path, "id,name\ns1,Jo\ns2,Al\ns1,Jo again\n")
    with pytest.raises(RosterError) as e:
        Roster.read(p)
    assert str(e.value) == f"{p} line 4: duplicate id 's1' (already on line 2)"
    p = write(tmp_path, "id,name\nS1,Jo\ns1,Al\n", name="r2.csv")  # equal once normalised: ambiguous
    with pytest.raises(RosterError) as e:
        Roster.read(p)
    assert str(e.value) == f"{p} line 3: duplicate id 's1' (already on line 2 as 'S1')"


def test_error_no_students(tmp_path):
    p = write(tmp_path, "Student,ID\nPoints Possible,\n")
    with pytest.raises(RosterError) as e:
        Roster.read(p)
    assert str(e.value) == f"{p}: no students (only the header on line 1, or every row has an empty 'ID')"


def test_error_unreadable_file(tmp_path):
    with pytest.raises(RosterError, match=r"missing\.csv: cannot read the roster \(No such file"):
        Roster.read(tmp_path / "missing.csv")


# --- matching --------------------------------------------------------------------------------------

def test_tokens_normalise():
    assert tokens("Doe, JANE--x_1.ipynb") == ("doe", "jane", "x", "1", "ipynb")
    assert tokens("Jose\u0301") == tokens("José") == tokens("JOSE") == ("jose",)  # macOS decomposes names
    assert tokens("ｓ１２３４") == ("s1234",)  # full-width forms
    assert tokens("김민준") == ("김민준",) and tokens("Łódź") == ("łodz",)
    assert tokens("STRASSE") == tokens("straße")
    assert tokens("__") == ()


@pytest.mark.parametrize("stem,sid", [
    ("s1234", "s1234"), ("S1234", "s1234"), ("jane doe", "s1234"), ("Jane_Doe", "s1234"), ("janedoe", "s1234"),
    ("jdoe", "s1234"), ("jd_42", "s1234"), ("Jane.Doe@UNI.edu", "s1234"), ("smith john", "s5678"),
    ("john-smith", "s5678"), ("x7", "x7"), ("ana maria lopez", "s9999"), ("ANA MARÍA LÓPEZ", "s9999"),
    ("Al", "x7"),
])
def test_rule1_whole_stem_equals_id_alias_or_name(roster, stem, sid):
    m = roster.match(stem)
    assert (m.student.id if m.student else None) == sid
    assert m.how == ("file name" if sid else "")


@pytest.mark.parametrize("stem,sid", [
    ("ex5_s1234_late", "s1234"), ("EX5-S1234", "s1234"), ("ex5 jane doe final", "s1234"),
    ("homework_jdoe_v2", "s1234"), ("ex5_jane.doe", "s1234"), ("ex5_js", "s5678"),
    ("ex5_john_smith", "s5678"), ("s1234_jane_doe", "s1234"),  # two keys of one student: still one
])
def test_rule2_whole_tokens_in_the_stem(roster, stem, sid):
    assert roster.match(stem) == Match(roster.get(sid), "file name")


@pytest.mark.parametrize("stem", [
    "ex5_s12345", "ex5s1234", "s1234x", "ex5_jane", "ex5_doe_jane_x", "ex5_x", "ex5_x7b", "ex5_al_a",
])
def test_rule2_needs_whole_tokens(roster, stem):
    if stem == "ex5_al_a":  # "al" is a whole token: Al's name
        assert roster.match(stem).student.id == "x7"
    else:
        assert roster.match(stem) == Match(None, "")


def test_short_keys_never_match_as_tokens(tmp_path):
    r = Roster.read(write(tmp_path, "id,name\n7,Q\nab,Bo\n"))
    assert r.match("ex5_7_q") == Match(None, "")  # 1-character id and name: no token match
    assert r.match("7") == Match(r.get("7"), "file name")  # the whole stem still identifies
    assert r.match("ex5_ab") == Match(r.get("ab"), "file name")  # 2 characters are enough
    assert r.match("") == Match(None, "") and r.match("___") == Match(None, "")


def test_ambiguous_token_matches_give_candidates_in_roster_order(roster):
    m = roster.match("group_s5678_s1234_ex5")
    assert m == Match(None, "", ("s1234", "s5678"))
    assert roster.match("jane_doe_and_js", claimed="s1234") == Match(None, "", ("s1234", "s5678"))


def test_same_name_twice_is_ambiguous_even_as_whole_stem(tmp_path):
    r = Roster.read(write(tmp_path, "id,name\na1,Kim Lee\na2,Kim Lee\n"))
    assert r.match("kim_lee") == Match(None, "", ("a1", "a2"))
    assert r.match("ex5_kim_lee_a2") == Match(None, "", ("a1", "a2"))


def test_whole_stem_match_wins_over_token_matches(tmp_path):
    r = Roster.read(write(tmp_path, "id,name\nann_lee,Ann\nlee,Lee\n"))
    assert r.match("ann-lee").student.id == "ann_lee"
    assert r.match("ex1_ann-lee").candidates == ("ann_lee", "lee")


def test_rule3_notebook_metadata_claim(roster):
    assert roster.match("submission", claimed="s1234") == Match(roster.get("s1234"), "notebook metadata")
    assert roster.match("submission", claimed=" JDoe ") == Match(roster.get("s1234"), "notebook metadata")
    assert roster.match("submission", claimed="js@uni.edu").student.id == "s5678"
    assert roster.match("submission", claimed="John Smith") == Match(None, "")  # never the name
    assert roster.match("submission", claimed="Jane Doe").student.id == "s1234"  # her alias jane.doe
    assert roster.match("submission", claimed="ex5 s1234") == Match(None, "")  # exactly, not a token
    assert roster.match("submission", claimed="") == Match(None, "")
    assert roster.match("submission") == Match(None, "")
    # the file name wins over the claim
    assert roster.match("ex5_s5678", claimed="s1234") == Match(roster.get("s5678"), "file name")


def test_claimed_alias_shared_by_two_students_is_unmatched(tmp_path):
    r = Roster.read(write(tmp_path, "id,name,aliases\na1,A,team\na2,B,team\n"))
    assert r.match("nb", claimed="team") == Match(None, "")


def test_get_and_missing(roster):
    assert roster.get("s1234").name == "Jane Doe"
    assert roster.get("S1234").id == "s1234"  # normalised fallback
    assert roster.get("nobody") is None and roster.get("") is None
    assert [s.id for s in roster.missing(["x7", "s1234", "stranger"])] == ["s5678", "s9999"]
    assert roster.missing(s.id for s in roster.students) == []
