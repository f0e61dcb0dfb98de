"""learnkit.core: problem kinds, verdicts, containment of checker bugs, views, progress."""
import json
import re

import numpy as np
import pandas as pd
import pytest

from learnkit.core import (PLACEHOLDER, Code, CodingProblem, EqualityProblem, Exercise, FunctionProblem,
                           Incorrect, MultipleChoice, Status, ThoughtExperiment, Unattempted, binder, evaluate)
from learnkit.core import progress
from learnkit.core.compare import describe, mismatch
from learnkit.core.placeholder import PlaceholderError


def judge(problem, **ns):
    return evaluate(problem, ns, "q_1", "demo.ex")


# -- coding problems -------------------------------------------------------------------
def _positive(x):
    if x <= 0:
        raise Incorrect(f"`x` should be positive; yours is {x}.")


def test_coding_problem_correct_incorrect_and_message():
    p = CodingProblem(vars=["x"], check=_positive)
    assert judge(p, x=3).status is Status.CORRECT
    r = judge(p, x=-2)
    assert r.status is Status.INCORRECT and "yours is -2" in r.message
    assert r.points == 0 and r.max_points == 1


def test_assert_in_check_is_incorrect_not_error():
    def check(x):
        assert x == 1, "x should be 1"
    r = judge(CodingProblem(vars=["x"], check=check), x=2)
    # (pytest rewrites asserts in this file and appends its own explanation line)
    assert (r.status, r.message.split("\n")[0]) == (Status.INCORRECT, "x should be 1")


def test_missing_variable_and_placeholder_are_unattempted():
    p = CodingProblem(vars=["x"], check=_positive)
    r = judge(p)
    assert r.status is Status.UNATTEMPTED and "`x` is not defined" in r.message
    assert judge(p, x=PLACEHOLDER).status is Status.UNATTEMPTED
    assert judge(p, x=[1, PLACEHOLDER]).status is Status.UNATTEMPTED


def test_checker_bug_becomes_error_with_question_name_and_no_traceback():
    def buggy(x):
        return {}["missing"]
    r = judge(CodingProblem(vars=["x"], check=buggy), x=1)
    assert r.status is Status.ERROR
    assert "checker error in q_1" in r.message and "KeyError" in r.message
    assert "Traceback" not in r.message


def test_wrong_variable_type_is_a_clear_incorrect():
    p = CodingProblem(vars=["x"], check=_positive, types={"x": int})
    r = judge(p, x="five")
    assert r.status is Status.INCORRECT and "`x` should be a int" in r.message.replace("an int", "a int")
    p2 = CodingProblem(vars=["x"], check=_positive, types={"x": (lambda v: isinstance(v, int), "a whole number")})
    assert "a whole number" in judge(p2, x=2.5).message


def test_check_can_declare_unattempted():
    def check(x):
        raise Unattempted("not yet")
    assert judge(CodingProblem(vars=["x"], check=check), x=1).status is Status.UNATTEMPTED


# -- values with tolerance --------------------------------------------------------------
@pytest.mark.parametrize("value,expected,ok", [
    (0.1 + 0.2, 0.3, True),
    (52, 52.0, True),
    (np.float32(37.5), 37.5, True),
    (37.6, 37.5, False),
    (np.array([52, 63, 0, 148]), [52, 63, 0, 148], True),
    ([52, 63, 1, 148], np.array([52, 63, 0, 148]), False),
    (np.array([1.0, np.nan]), np.array([1.0, np.nan]), True),
    (pd.Series([1.0, 2.0]), pd.Series([1.0, 2.0 + 1e-9]), True),
    (pd.Series([1.0, 2.5]), pd.Series([1.0, 2.0]), False),
    (pd.DataFrame({"a": [1]}), pd.DataFrame({"b": [1]}), False),
    ({"w": [1, 2]}, {"w": [1, 2]}, True),
    ("52", 52, False),
    (True, 1, False),
])
def test_equality_problem_tolerance(value, expected, ok):
    r = judge(EqualityProblem(var="v", expected=expected), v=value)
    assert (r.status is Status.CORRECT) == ok, r.message


def test_equality_problem_one_variable_or_several_with_mistakes_and_starters():
    one = EqualityProblem(var="v", expected=lambda: 26, mistakes={"v": [(-26, "sign!")]}, starters={"v": 0},
                          success="Right: 26.")
    assert one.vars == ("v",) and one.wanted() == {"v": one.expected}
    assert (judge(one, v=26).status, judge(one, v=26).message) == (Status.CORRECT, "Right: 26.")
    assert (judge(one, v=-26).status, judge(one, v=-26).message) == (Status.INCORRECT, "sign!")
    assert "still the starter value" in judge(one, v=0).message
    several = EqualityProblem(expected={"a": 1, "b": [2, 3]})
    assert several.vars == ("a", "b") and judge(several, a=1, b=[2, 3]).status is Status.CORRECT
    assert "`b`" in judge(several, a=1, b=[2, 4]).message
    with pytest.raises(TypeError, match="give `var`, or `expected` as a mapping"):
        EqualityProblem(expected=5)


def test_problems_about_one_variable_read_it_from_var():
    from learnkit.numeric.trajectory import TrajectoryProblem
    for p in (FunctionProblem(var="relu", reference=_relu, cases=[1]), EqualityProblem(var="v", expected=1),
              MultipleChoice(var="ans", choices=["x"], answer="a"), TrajectoryProblem(var="costs", reference=[1.0])):
        assert p.vars == (p.var,), p
    assert CodingProblem(vars=["x", "y"], check=_positive).vars == ["x", "y"]


def test_mismatch_messages_are_precise():
    assert "index 2" in mismatch([52, 63, 1, 148], np.array([52, 63, 0, 148]))
    assert "shape (3,)" in mismatch(np.zeros(3), np.zeros(4))
    assert "columns" in mismatch(pd.DataFrame({"a": [1]}), pd.DataFrame({"b": [1]}))
    assert describe(5) == "an int (5)" and "numpy array of shape (2, 2)" in describe(np.eye(2))


# -- functions on hidden inputs -----------------------------------------------------------
def _relu(x):
    return max(0, x)


def test_function_problem_hidden_inputs():
    p = FunctionProblem(var="relu", reference=_relu, cases=[(-3,), (0,), (2.5,), (np.float64(-1.5),)])
    assert judge(p, relu=lambda x: max(0, x)).status is Status.CORRECT
    r = judge(p, relu=lambda x: x)
    assert r.status is Status.INCORRECT and "relu(-3)" in r.message and "should return 0" in r.message
    r = judge(p, relu=lambda x: 1 / 0)
    assert r.status is Status.INCORRECT and "ZeroDivisionError" in r.message
    assert judge(p, relu=5).status is Status.INCORRECT


def test_function_using_placeholder_is_unattempted():
    def relu(x):
        return PLACEHOLDER + x
    assert judge(FunctionProblem(var="relu", reference=_relu, cases=[(1,)]), relu=relu).status is Status.UNATTEMPTED


def test_placeholder_fails_loudly_when_used():
    with pytest.raises(PlaceholderError):
        PLACEHOLDER.compile()


# -- thought experiments and multiple choice -----------------------------------------------
def test_thought_experiment_with_diagnosis():
    p = ThoughtExperiment(vars=["h"], diagnose=lambda h: f"min {min(h)}", solution="because")
    r = judge(p, h=[3, 1, 2])
    assert r.status is Status.CORRECT and r.diagnosis == "min 1"
    assert judge(p).status is Status.UNATTEMPTED
    assert judge(ThoughtExperiment(solution="s")).status is Status.CORRECT


def test_function_problem_known_mistakes_compare_and_success():
    p = FunctionProblem(var="relu", reference=_relu, cases=[(-3,), (2,)], mistakes=[(abs, "absolute value!")],
                        success="Well done.")
    assert judge(p, relu=lambda x: max(0, x)).message == "Well done."
    r = judge(p, relu=abs)
    assert r.status is Status.INCORRECT and r.message.startswith("absolute value!")
    loose = FunctionProblem(var="relu", reference=_relu, cases=[(2,)], compare=lambda got, want: None)
    assert judge(loose, relu=lambda x: -7).status is Status.CORRECT


def test_a_kind_answered_by_the_solution_shows_it_on_a_correct_check(capsys):
    assert ThoughtExperiment.answered_by_solution and not CodingProblem.answered_by_solution

    class Reflection(CodingProblem):
        answered_by_solution = True
    ex = Exercise("demo.reflect", "Reflect", [
        Reflection(vars=["x"], check=_positive, solution="Compare with the reference."),
        CodingProblem(vars=["x"], check=_positive, solution="Not shown on check."),
    ])
    binder.bind({"x": 1})
    g = {}
    ex.export(g)
    g["q_1"].check()
    assert "Compare with the reference." in capsys.readouterr().out
    g["q_2"].check()
    out = capsys.readouterr().out
    assert out.startswith("Correct") and "Not shown on check." not in out


def test_multiple_choice():
    p = MultipleChoice(var="ans", choices=["0", "52", "-39"], answer="c", explanations={"a": "That is a hidden node."})
    assert judge(p, ans="c").status is Status.CORRECT
    assert judge(p, ans="C)").status is Status.CORRECT
    assert judge(p, ans="-39").status is Status.CORRECT
    r = judge(p, ans="a")
    assert r.status is Status.INCORRECT and r.message == "That is a hidden node."
    assert "one of 'a', 'b', 'c'" in judge(p, ans="z").message


# -- views: check / hint / solution / asserts / progress ---------------------------------------
@pytest.fixture
def exercise(capsys):
    ex = Exercise("demo.ex", "Demo", [
        CodingProblem(vars=["x"], check=_positive, hints=["Think positive.", "x = 1 works."],
                      solution=Code("x = 1")),
        ThoughtExperiment(solution="Dropout helped."),
    ])
    ns = {}
    binder.bind(ns)
    g = {}
    ex.export(g)
    return ex, ns, g


def test_views_display_plain_text_and_log_progress(exercise, capsys):
    ex, ns, g = exercise
    assert set(g["__all__"]) == {"q_1", "q_2", "____", "progress"}
    q_1 = g["q_1"]
    q_1.check()
    assert "Not attempted yet" in capsys.readouterr().out
    ns["x"] = -1
    q_1.check()
    assert "Incorrect: `x` should be positive" in capsys.readouterr().out
    ns["x"] = 4
    q_1.check()
    assert capsys.readouterr().out.startswith("Correct")
    q_1.hint()
    out = capsys.readouterr().out
    assert "Hint 1 of 2: Think positive." in out and ".hint(2)" in out
    q_1.hint(2)
    assert "x = 1 works." in capsys.readouterr().out
    q_1.solution()
    assert "x = 1" in capsys.readouterr().out
    rows = [json.loads(l) for l in open(progress.log_path())]
    assert [r["status"] for r in rows if r["event"] == "check"] == ["unattempted", "incorrect", "correct"]
    assert {r["exercise"] for r in rows} == {"demo.ex"} and all("time" in r for r in rows)
    g["progress"]()
    assert "1 of 2 questions solved" in capsys.readouterr().out


def test_bad_arguments_to_check_hint_and_solution_get_one_friendly_line(exercise, capsys):
    ex, ns, g = exercise
    q_1, q_2 = g["q_1"], g["q_2"]
    calls = [(lambda: q_1.hint("x"), "`q_1.hint()` takes a hint number from 1 to 2"),
             (lambda: q_1.hint(0), "from 1 to 2"), (lambda: q_1.hint(3), "from 1 to 2"),
             (lambda: q_1.hint(1.5), "from 1 to 2"), (lambda: q_1.hint(True), "from 1 to 2"),
             (lambda: q_1.hint(1, 2), "from 1 to 2"), (lambda: q_1.hint(m=1), "from 1 to 2"),
             (lambda: q_1.solution(2), "`q_1.solution()` takes no arguments"),
             (lambda: q_1.check(ns), "`q_1.check()` takes no arguments"),
             (lambda: q_1.check(x=1), "`q_1.check()` takes no arguments"),
             (lambda: q_2.hint("x"), "There is no hint for this question")]
    for call, expected in calls:
        call()
        out = capsys.readouterr()
        assert expected in out.out and out.out.count("\n") == 1 and "Traceback" not in out.out + out.err, out
    assert not [r for r in progress.read("demo.ex") if r["event"] in ("hint", "solution")]  # nothing was shown
    q_1.hint(np.int64(2))
    assert "x = 1 works." in capsys.readouterr().out


def test_counts_agree_with_their_nouns(capsys):
    assert describe([1]) == "a list of 1 item" and describe((1, 2)) == "a tuple of 2 items"
    assert describe({"a": 1}) == "a dict of 1 item" and describe(set()) == "a set of 0 items"
    assert mismatch([1], [1, 2]) == "your answer has 1 item; expected 2."
    one = Exercise("demo.one", "One", [CodingProblem(vars=["x"], check=_positive)])
    binder.bind({})
    one.progress()
    assert "0 of 1 question solved" in capsys.readouterr().out


def test_view_asserts(exercise):
    ex, ns, g = exercise
    g["q_1"].assert_check_unattempted()
    ns["x"] = -1
    g["q_1"].assert_check_failed()
    with pytest.raises(AssertionError, match="expected correct, got incorrect"):
        g["q_1"].assert_check_passed()
    ns["x"] = 1
    g["q_1"].assert_check_passed()


def test_exercise_grade_judges_every_question(exercise):
    ex, ns, g = exercise
    results = ex.grade({"x": 2})
    assert [(r.question, r.status) for r in results] == [("q_1", Status.CORRECT), ("q_2", Status.CORRECT)]


def test_html_rendering_is_coloured_and_escaped():
    from learnkit.core import render
    from learnkit.core.result import Result
    html = render.result(Result("q_1", Status.INCORRECT, "use `<Dense>`")).html
    assert "#c62828" in html and "<code>&lt;Dense&gt;</code>" in html


def test_the_verdict_is_said_once_correct_not_correct_correct():
    from learnkit import i18n
    from learnkit.core import render
    from learnkit.core.result import Result

    def shown(message, status=Status.CORRECT):
        out = render.result(Result("q_1", status, message))
        return out.text, re.sub(r"<[^>]+>", "", out.html)

    assert shown("Correct! Well done.") == ("Correct! Well done.", "Correct! Well done.")
    assert shown("Correct!") == ("Correct!", "Correct!")
    assert shown("Well done.") == ("Correct: Well done.", "Correct: Well done.")
    assert shown("Correctly shaped.")[0] == "Correct: Correctly shaped."
    assert shown("Incorrect. Try again.", Status.INCORRECT)[0] == "Incorrect. Try again."
    with i18n.using("zh-TW"):
        assert shown("正確！做得好。") == ("正確！做得好。", "正確！做得好。")
        assert shown("Correct! Well done.")[0] == "Correct! Well done."  # an untranslated message
    assert render.without_verdict(Status.CORRECT, "Correct! Well done.") == "Well done."
    assert render.without_verdict(Status.CORRECT, "Correct!") == ""
    assert render.without_verdict(Status.INCORRECT, "Correct! Well done.") == "Correct! Well done."


def _lab(colour: str) -> tuple:
    """CIE L*a*b* of a #rrggbb colour (D65)."""
    rgb = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    xyz = ((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b,
           (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
    fx, fy, fz = [v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116 for v in xyz]
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz), 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_verdict_hint_and_solution_colours_are_distinct_and_readable():
    import itertools
    import math

    from learnkit.core import render
    from learnkit.grading import report
    palette = {str(s): c for s, c in render.COLOURS.items() if s is not Status.KILLED}  # killed = timeout's purple
    palette.update(hint=render.HINT_COLOUR, solution=render.SOLUTION_COLOUR, missing=report.GREY)
    for name, colour in palette.items():  # white text on it, or it as text on white: WCAG AA
        assert 1.05 / (_lab(colour)[3] + 0.05) >= 4.5, (name, colour)
    for (a, ca), (b, cb) in itertools.combinations(palette.items(), 2):  # CIE76 colour difference
        assert math.dist(_lab(ca)[:3], _lab(cb)[:3]) >= 20, (a, ca, b, cb)
    assert render.HINT_COLOUR in render.hint("x", 1, 2).html and render.SOLUTION_COLOUR in render.solution("x").html


def test_progress_log_survives_torn_lines(tmp_path, monkeypatch):
    path = tmp_path / "p.jsonl"
    monkeypatch.setenv("LEARNKIT_PROGRESS", str(path))
    progress.record("e", "q_1", "check", "correct")
    with open(path, "a") as f:
        f.write('{"broken": ')
    progress.record("e", "q_1", "check", "incorrect")
    assert [r["status"] for r in progress.read("e")] == ["correct", "incorrect"]
    assert progress.summary("e", ["q_1"])["q_1"]["ever_correct"]


def test_progress_log_lives_in_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("LEARNKIT_PROGRESS")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert progress.log_path() == tmp_path / "xdg" / "learnkit" / "progress.jsonl"
    progress.record("e", "q_1", "check", "correct")
    assert [r["status"] for r in progress.read("e")] == ["correct"]
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert progress.log_path() == tmp_path / "home" / ".local" / "share" / "learnkit" / "progress.jsonl"


def test_passive_judging_treats_non_attempts_as_unattempted():
    def check(x):
        raise Incorrect("`x` should be a model; yours is a str.", attempt=False)
    p = CodingProblem(vars=["x"], check=check)
    assert evaluate(p, {"x": "s"}, "q_1").status is Status.INCORRECT  # the student asked: tell them
    assert evaluate(p, {"x": "s"}, "q_1", passive=True).status is Status.UNATTEMPTED  # grader, after a cell


def test_blanks_hidden_in_functions_and_arrays_are_unattempted():
    def relu(x):
        return ____  # noqa: F821 - the blank of the starter code
    p = FunctionProblem(var="relu", reference=_relu, cases=[(1,)])
    assert judge(p, relu=relu).status is Status.UNATTEMPTED
    arr = np.empty(2, dtype=object)  # np.array([... ____]) would ask the blank for its length
    arr[:] = [1, None]
    arr[1] = PLACEHOLDER
    assert judge(EqualityProblem(var="v", expected=[1, 2]), v=arr).status is Status.UNATTEMPTED
    assert judge(EqualityProblem(var="v", expected=[[1]]), v=[[[PLACEHOLDER]]]).status is Status.UNATTEMPTED


def test_emphasis_and_code_in_html_messages():
    from learnkit.core.render import inline_html
    assert inline_html("one *before* each `a*b*c` and 2*3*4") == \
        "one <em>before</em> each <code>a*b*c</code> and 2*3*4"


def test_a_broken_checker_is_reported_as_broken_not_unknown(tmp_path, monkeypatch):
    import sys

    import checkers
    from learnkit.core.exercise import BrokenChecker, UnknownExercise, load_exercise
    from learnkit.grading.submissions import inspect

    course = tmp_path / "zz_course"
    course.mkdir()
    (course / "__init__.py").write_text("")
    (course / "broken.py").write_text("raise ZeroDivisionError('a typo in the checker')\n")
    (course / "empty.py").write_text("x = 1\n")
    monkeypatch.setattr(checkers, "__path__", [*checkers.__path__, str(tmp_path)])
    monkeypatch.delitem(sys.modules, "checkers.zz_course", raising=False)
    with pytest.raises(BrokenChecker, match="broken .*ZeroDivisionError: a typo"):
        load_exercise("zz_course.broken")
    with pytest.raises(BrokenChecker, match="defines no `exercise`"):
        load_exercise("zz_course.empty")
    with pytest.raises(UnknownExercise, match="no checker module"):
        load_exercise("zz_course.missing")
    with pytest.raises(UnknownExercise, match="not an exercise id"):
        load_exercise("../../etc")
    nb = tmp_path / "student.ipynb"
    nb.write_text('{"cells": [{"cell_type": "code", "id": "c1", "metadata": {}, "outputs": [], "execution_count": null, '
                  '"source": "from checkers.zz_course.broken import *"}], "metadata": {}, "nbformat": 4, '
                  '"nbformat_minor": 5}')
    assert "is broken" in inspect(nb).problem


def test_quiet_frameworks_ignores_the_keras_input_shape_warning_only(monkeypatch):
    import sys
    import warnings

    from learnkit.core import quiet
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))  # the TensorFlow import hook stays in this test
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    keras_warning = ("Do not pass an `input_shape`/`input_dim` argument to a layer. When using Sequential models, "
                     "prefer using an `Input(shape)` object as the first layer in the model instead.")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        quiet.quiet_frameworks()
        warnings.warn_explicit(keras_warning, UserWarning, "dense.py", 107, module="keras.src.layers.core.dense")
        warnings.warn_explicit("Another Keras warning", UserWarning, "dense.py", 108, module="keras.src.layers.core.dense")
        warnings.warn_explicit(keras_warning, UserWarning, "mine.py", 1, module="mine")
    assert [(str(w.message)[:20], w.filename) for w in seen] == [("Another Keras warnin", "dense.py"),
                                                                 (keras_warning[:20], "mine.py")]


def test_tensorflow_import_logs_are_dropped_and_other_stderr_kept(capfd):
    import os

    from learnkit.core.quiet import _without_import_logs
    with _without_import_logs():
        os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
                    b"I0000 00:00:1796318584.226864   20192 port.cc:153] oneDNN custom operations are on.\n"
                    b"E0000 00:00:1796318584.3   20192 cuda_dnn.cc:8] Unable to register cuDNN factory\n"
                    b"a real problem\n")
    err = capfd.readouterr().err
    assert err == "E0000 00:00:1796318584.3   20192 cuda_dnn.cc:8] Unable to register cuDNN factory\na real problem\n"
