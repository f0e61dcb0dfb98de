"""Feedback reports: pages per submission and the class summary, in HTML and in a real browser."""
from __future__ import annotations

import base64
import html
import re
import time
from pathlib import Path

import pytest

from learnkit.core.render import status_label
from learnkit.core.result import Status
from learnkit.grading.gradebook import Gradebook
from learnkit.grading.report import layers_summary, page_name, write_reports

EX = "deep_learning_intro.ex5"
XSS = "<script>alert(1)</script> & `model` < 3"
QUESTIONS = ["q_1", "q_2", "q_3", "q_4"]
NAN_RUN = {"name": "history", "layers": ["Dense"] * 4, "input_shape": [8],
           "history": {"loss": [None] * 6, "val_loss": [None] * 6}}
BN_RUN = {"name": "history #2", "input_shape": [8],
          "layers": ["BatchNormalization", "Dense"] * 4,
          "history": {"loss": [9.0, 5.1, 4.2, 4.0, 3.9, 3.85], "val_loss": [8.0, 5.5, 4.6, None, 4.3, 4.4]}}

VAL_NAN_RUN = {"layers": [], "input_shape": None,  # no name, no layers: titled "history #3"
               "history": {"loss": [1.0, 0.8, 0.7], "val_loss": [None, None, None]}}


def _results(statuses: dict[str, str], messages: dict[str, str] | None = None) -> list[dict]:
    messages = messages or {}
    return [{"question": q, "status": s, "points": 1.0 if s == "correct" else 0.0, "max_points": 1.0,
             "message": messages.get(q, f"message for {q} ({s})"), "diagnosis": "", "duration": 0.1}
            for q, s in statuses.items()]


def _grade(gb, path, sha, student, status, reason, results, histories=None, exercise=EX):
    sid = gb.submission(path, sha, student, exercise)
    gb.finish_run(gb.start_run(sid, "tensorflow", "0.1.0"), status, reason, 12.5, results, histories)


@pytest.fixture
def book(tmp_path) -> Gradebook:
    gb = Gradebook(tmp_path / "gradebook.sqlite")
    alice = _results({"q_1": "correct", "q_2": "incorrect", "q_3": "unattempted", "q_4": "error"},
                     {"q_2": XSS})
    alice[1]["diagnosis"] = "The validation loss is NaN at every epoch."
    _grade(gb, "subs/alice/ex5.ipynb", "a" * 64, "alice", "ok", "", alice, [NAN_RUN, BN_RUN, VAL_NAN_RUN])
    _grade(gb, "subs/bob/ex5.ipynb", "b" * 64, "bob", "timeout", "cell 7 ran for more than 600 s",
           _results({"q_1": "correct", "q_2": "timeout", "q_3": "timeout", "q_4": "timeout"}))
    _grade(gb, "subs/carol/ex5.ipynb", "c" * 64, "carol", "killed", "memory limit (4 GiB) exceeded",
           _results({q: "killed" for q in QUESTIONS}), {})
    # a hostile name and a run that recorded no result at all
    _grade(gb, "subs/dave/ex5.ipynb", "d" * 64, "../dave <b>O'Brien</b>", "error", "kernel died", [])
    # an exercise whose checker module cannot be imported
    _grade(gb, "subs/erin/ex9.ipynb", "e" * 64, "erin", "ok", "1 cell(s) raised errors; first: cell 3 NameError",
           _results({"q_1": "correct", "q_2": "correct"}), exercise="no_such_course.ex9")
    yield gb
    gb.close()


@pytest.fixture
def reports(book, tmp_path) -> Path:
    return write_reports(book, tmp_path / "out")


def _page(index: Path, student_prefix: str) -> Path:
    pages = sorted((index.parent / "feedback").glob(f"{student_prefix}__*.html"))
    assert len(pages) == 1, pages
    return pages[0]


def _assert_self_contained(text: str) -> None:
    srcs = re.findall(r'\bsrc="([^"]*)"', text)
    assert all(s.startswith("data:image/png;base64,") for s in srcs), srcs
    assert not re.search(r'(src|href)="(https?:)?//', text)
    assert "@import" not in text and "url(" not in text and "<link" not in text
    for uri in srcs:
        png = base64.b64decode(uri.split(",", 1)[1])
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000


def test_files_and_links(reports):
    assert reports == reports.parent / "index.html" and reports.exists()
    index = reports.read_text(encoding="utf-8")
    links = re.findall(r'href="(feedback/[^"]+)"', index)
    assert len(set(links)) == 5
    for link in links:
        assert (reports.parent / link).is_file(), link
    for page in (reports.parent / "feedback").glob("*.html"):
        assert 'href="../index.html"' in page.read_text(encoding="utf-8")
    assert not list(reports.parent.rglob("*.tmp"))


def test_feedback_page_shows_every_question(reports):
    text = _page(reports, "alice").read_text(encoding="utf-8")
    assert "Dropout and Batch Normalization" in text and "subs/alice/ex5.ipynb" in text
    assert "1 / 4" in text  # total points
    for q, status in zip(QUESTIONS, ["correct", "incorrect", "unattempted", "error"]):
        assert f'id="{q}"' in text
        assert status_label(Status(status)) in text
    assert "Add dropout to the Spotify model" in text  # prompt from the checker module
    assert "Add two <code>layers.Dropout(rate=0.3)</code> layers" in text  # first hint, `code` rendered
    assert "message for q_1 (correct)" in text
    assert "The validation loss is NaN at every epoch." in text
    # the student's message is text, never markup
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; <code>model</code> &lt; 3" in text
    # learning curves: one PNG per history, titled with the layers
    assert len(re.findall(r'<img src="data:image/png;base64,', text)) == 3
    assert "history #2 — BatchNormalization ×4, Dense ×4" in text and "history — Dense ×4" in text
    assert "history #3</figcaption>" in text and "input shape (8,)" in text
    _assert_self_contained(text)


def test_run_problems_are_prominent(reports):
    bob = _page(reports, "bob").read_text(encoding="utf-8")
    assert 'class="banner run"' in bob and "Timed out" in bob and "cell 7 ran for more than 600 s" in bob
    assert bob.count(status_label(Status.TIMEOUT)) >= 4
    assert "No training history was recorded." in bob
    carol = _page(reports, "carol").read_text(encoding="utf-8")
    assert 'class="banner run"' in carol and "memory limit (4 GiB) exceeded" in carol
    assert carol.count(status_label(Status.KILLED)) >= 5  # banner + 4 questions
    index = reports.read_text(encoding="utf-8")
    assert "3 submissions did not run to the end" in index
    assert 'class="banner run"' not in _page(reports, "alice").read_text(encoding="utf-8")


def test_missing_results_and_unknown_exercise(reports):
    dave = _page(reports, "dave_b_O_Brien_b").read_text(encoding="utf-8")
    assert "&lt;b&gt;O&#39;Brien&lt;/b&gt;" in dave and "<b>O'Brien</b>" not in dave
    assert "The notebook could not be graded" in dave and "kernel died" in dave
    for q in QUESTIONS:  # known from the checker module, though the run recorded nothing
        assert f'id="{q}"' in dave
    assert dave.count("No result") == 4
    assert "0 / 4" in dave  # unrecorded questions count as 0 of their points (from the checker module)
    erin = _page(reports, "erin").read_text(encoding="utf-8")
    assert "no_such_course.ex9" in erin and 'class="hint"' not in erin and "2 / 2" in erin
    assert 'class="banner note"' in erin and "cell 3 NameError" in erin and 'class="banner run"' not in erin


def test_class_summary(reports):
    index = reports.read_text(encoding="utf-8")
    assert "Class summary" in index and "Score distribution" in index
    assert "Pass rate" in index and "Failures by kind" in index
    for student in ("alice", "bob", "carol", "erin", "../dave &lt;b&gt;O&#39;Brien&lt;/b&gt;"):
        assert f">{student}</a>" in index
    assert "<b>5</b>submissions" in index.replace("\n", "")
    # q_1: alice, bob, erin passed (two exercises → two tables); q_2 of ex5: one error kind each
    assert "2 / 4" in index and "1 / 1" in index
    _assert_self_contained(index)
    assert len(re.findall(r'<img src="data:image/png', index)) == 3  # histogram + one chart per exercise


def test_standin_note_on_every_page(book, tmp_path):
    index = write_reports(book, tmp_path / "out", standin_note="Stand-in <data>: not the course's.")
    for page in [index, *(index.parent / "feedback").glob("*.html")]:
        text = page.read_text(encoding="utf-8")
        assert 'class="banner standin"' in text and "Stand-in &lt;data&gt;: not the course&#39;s." in text
    plain = write_reports(book, tmp_path / "plain")
    assert "banner standin" not in plain.read_text(encoding="utf-8")


def test_resubmission_replaces_the_old_page(book, tmp_path):
    out = tmp_path / "out"
    old = _page(write_reports(book, out), "alice")
    _grade(book, "subs/alice/ex5.ipynb", "f" * 64, "alice", "ok", "", _results({q: "correct" for q in QUESTIONS}))
    new = _page(write_reports(book, out), "alice")
    assert new != old and not old.exists() and "ffffffffffff" in new.name
    assert "4 / 4" in new.read_text(encoding="utf-8")


def test_empty_gradebook(tmp_path):
    index = write_reports(Gradebook(tmp_path / "gb.sqlite"), tmp_path / "out")
    assert "No submission was graded." in index.read_text(encoding="utf-8")


def test_names_and_layers():
    taken: set[str] = set()
    assert page_name("Zoë Smith", "ab" * 32, taken) == "Zo_Smith__abababababab.html"
    assert page_name("Zoë Smith", "ab" * 32, taken) == "Zo_Smith__abababababab-2.html"
    assert page_name("../..", "", taken) == "student__nohash.html"
    assert layers_summary(["BatchNormalization", "Dense", "Dense"]) == "BatchNormalization, Dense ×2"
    assert layers_summary(None) == ""


def test_many_students_stay_fast_and_compact(tmp_path):
    gb = Gradebook(tmp_path / "gb.sqlite")
    for i in range(200):
        statuses = {q: ("correct", "incorrect", "unattempted", "error")[(i + j) % 4] for j, q in enumerate(QUESTIONS)}
        _grade(gb, f"subs/s{i:03}/ex5.ipynb", f"{i:064x}", f"student {i:03}", "ok", "", _results(statuses))
    start = time.perf_counter()
    index = write_reports(gb, tmp_path / "out")
    elapsed = time.perf_counter() - start
    text = index.read_text(encoding="utf-8")
    assert len(re.findall(r'href="feedback/', text)) == 200
    assert len(text) < 400_000, len(text)  # ~2 kB per student row, charts once
    assert elapsed < 30, elapsed


@pytest.mark.slow
def test_pages_render_in_chromium(reports, tmp_path):
    import browser  # tests/support/browser.py (on sys.path through tests/conftest.py)

    index_dom = browser.dump_dom(reports.as_uri())
    for text in ("Class summary", "Score distribution", "Pass rate", "Failures by kind", "Students",
                 "3 submissions did not run to the end", status_label(Status.TIMEOUT)):
        assert text in index_dom, text
    page = _page(reports, "alice")
    dom = browser.dump_dom(page.as_uri())
    for text in ("Dropout and Batch Normalization", "Questions", "Learning curves", "Add dropout to the Spotify model",
                 *(status_label(Status(s)) for s in ("correct", "incorrect", "unattempted", "error"))):
        assert text in dom, text
    assert html.escape("<script>alert(1)</script>", quote=False) in dom and "<script>" not in dom
    assert dom.count('<img src="data:image/png;base64,') == 3
    for url, name in ((reports.as_uri(), "index.png"), (page.as_uri(), "alice.png")):
        png = browser.screenshot(url, tmp_path / name)
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_unknown_exercise_with_the_graders_star_row(tmp_path):
    """What the grader writes when it could not even tell the exercise: one error row "*"."""
    gb = Gradebook(tmp_path / "gb.sqlite")
    reason = "the grader could not run this notebook (JSONDecodeError: <bad> json)"
    _grade(gb, "subs/zed/x.ipynb", "-", "zed", "error", reason,
           [{"question": "*", "status": "error", "points": 0.0, "max_points": 0.0, "message": reason}], exercise=None)
    index = write_reports(gb, tmp_path / "out")
    page = (index.parent / "feedback" / "zed__nohash.html").read_text(encoding="utf-8")
    assert "Unknown exercise" in page and "&lt;bad&gt; json" in page and "The notebook could not be graded" in page
    assert "0 of 1 question correct" in page
    assert "1 submission did not run to the end" in index.read_text(encoding="utf-8")


def test_a_correct_message_does_not_repeat_the_verdict(tmp_path):
    gb = Gradebook(tmp_path / "gradebook.sqlite")
    results = _results({"q_1": "correct", "q_2": "correct", "q_3": "incorrect"},
                       {"q_1": "Correct! Two 30% Dropout layers follow.", "q_2": "Correct!", "q_3": "Not yet."})
    _grade(gb, "subs/fay/ex5.ipynb", "f" * 64, "fay", "ok", "", results)
    text = _page(write_reports(gb, tmp_path / "out"), "fay").read_text(encoding="utf-8")
    gb.close()
    sections = dict(re.findall(r'<section class="question" id="(q_\d)"(.*?)</section>', text, re.S))
    assert "<p>Two 30% Dropout layers follow.</p>" in sections["q_1"] and "Correct!" not in sections["q_1"]
    assert "Correct!" not in sections["q_2"] and "<p>" not in sections["q_2"]  # (only the <p class="hint">)
    assert "<p>Not yet.</p>" in sections["q_3"]
