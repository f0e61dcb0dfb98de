"""The generic checks the numpy course is built on: values with known mistakes and functions on hidden inputs
(learnkit.core), trajectories (learnkit.numeric.trajectory)."""
import numpy as np
import pytest

from learnkit.core import (PLACEHOLDER, CodingProblem, EqualityProblem, FunctionProblem, Incorrect, Status, Unattempted,
                           evaluate)
from learnkit.core.functions import Case, check_function, keys_compare
from learnkit.core.placeholder import is_placeholder, uses_blank
from learnkit.numeric.trajectory import (TrajectoryProblem, as_series, check_trajectory, first_below, first_increase,
                                         plot_curves, show_epochs, trajectory_mismatch)

____ = PLACEHOLDER


def judge(problem, **ns):
    return evaluate(problem, ns, "q_1", "demo.ex")


# -- blanks -------------------------------------------------------------------------------------------
def test_uses_blank_sees_function_bodies_and_nested_functions():
    def blank(x):
        out = ____
        return out

    def nested(x):
        def inner(a):
            return ____
        return inner(x)

    def done(x):
        return max(x, 0)
    assert uses_blank(blank) and uses_blank(nested)
    assert not uses_blank(done) and not uses_blank(np.maximum) and not uses_blank(3)


def test_is_placeholder_looks_into_containers_and_object_arrays():
    obj = np.empty(2, dtype=object)
    obj[1] = PLACEHOLDER
    assert is_placeholder([1, [2, PLACEHOLDER]]) and is_placeholder({"a": (PLACEHOLDER,)}) and is_placeholder(obj)
    assert not is_placeholder([1, 2, np.array([3.0])]) and not is_placeholder({"W": np.zeros(2)})


# -- values ---------------------------------------------------------------------------------------------
def test_values_problem_known_mistake_starter_and_order():
    p = EqualityProblem(expected={"a": 26, "b": np.array([1, 2])},
                        mistakes={"a": [(-26, "sign!")]}, starters={"b": [0, 0]})
    assert judge(p, a=26, b=[1, 2]).status is Status.CORRECT
    r = judge(p, a=-26, b=[1, 2])
    assert (r.status, r.message) == (Status.INCORRECT, "sign!")
    assert "expected 26" in judge(p, a=25, b=[1, 2]).message
    assert judge(p, a=26, b=[0, 0]).status is Status.UNATTEMPTED
    assert judge(p, a=____, b=[1, 2]).status is Status.UNATTEMPTED
    assert "not defined" in judge(p, b=[1, 2]).message


def test_values_problem_lazy_expected():
    calls = []
    p = EqualityProblem(expected={"x": lambda: calls.append(1) or 5})
    assert judge(p, x=5.0).status is Status.CORRECT and calls == [1]


# -- functions on hidden inputs ----------------------------------------------------------------------------
def ref_relu(x):
    return max(x, 0)


RELU = dict(reference=ref_relu, cases=[3, -3, 0, 2.5, np.float64(-1.5)])


def test_checked_function_right_wrong_blank_and_not_callable():
    p = FunctionProblem(var="relu", mistakes=[(abs, "absolute value!")], **RELU)
    assert judge(p, relu=lambda x: np.maximum(x, 0)).status is Status.CORRECT

    def blank(x):
        return ____
    assert judge(p, relu=blank).status is Status.UNATTEMPTED
    r = judge(p, relu=abs)
    assert r.status is Status.INCORRECT and r.message.startswith("absolute value!") and "relu(-3)" in r.message
    assert "should be a function" in judge(p, relu=3).message


def test_constant_output_is_called_hard_coded():
    p = FunctionProblem(var="relu", **RELU)
    r = judge(p, relu=lambda x: 3)
    assert r.status is Status.INCORRECT and "whatever its arguments" in r.message


def test_student_exception_is_quoted_and_returning_a_blank_is_unattempted():
    p = FunctionProblem(var="f", reference=lambda x: x, cases=[1, 2, 3])
    r = judge(p, f=lambda x: {}["k"])
    assert r.status is Status.INCORRECT and "KeyError" in r.message and "f(1)" in r.message
    assert judge(p, f=lambda x: PLACEHOLDER).status is Status.UNATTEMPTED


def test_known_mistake_may_raise_like_the_student():
    def rows(z):
        return z / z.sum(axis=1, keepdims=True)   # raises on 1-D input
    cases = [Case((np.array([[1., 3.], [1., 1.]]),)), Case((np.array([1., 3.]),))]
    with pytest.raises(Incorrect, match="rows!"):
        check_function(rows, "f", lambda z: z / z.sum(axis=0), cases, mistakes=[(rows, "rows!")])


def test_pure_functions_must_not_modify_their_arguments():
    def inplace(params, lr):
        params["W"] -= lr
        return params

    def fresh(params, lr):
        return {"W": params["W"] - lr}
    cases = [Case(({"W": np.array([1.0, 2.0])}, 0.5))]
    check_function(fresh, "update", fresh, cases, pure=True, compare=keys_compare(["W"]))
    with pytest.raises(Incorrect, match=r"changed its argument `params` in place \(`params\['W'\]\[0\]` was 1.0"):
        check_function(inplace, "update", fresh, cases, pure=True, compare=keys_compare(["W"]))
    # the hidden input itself is never modified
    assert np.array_equal(cases[0].args[0]["W"], [1.0, 2.0])


def test_student_printing_is_silenced(capsys):
    def chatty(x):
        print("debug", x)
        return x
    check_function(chatty, "f", lambda x: x, [1, 2])
    assert capsys.readouterr().out == ""


def test_keys_compare_ignores_extra_keys_and_accepts_same_size():
    cmp = keys_compare(["dW", "db"], same_size=True)
    want = {"dW": np.array([[1.0, 2.0]]), "db": np.array([[3.0]])}
    assert cmp({"dW": np.array([1.0, 2.0]), "db": 3.0, "extra": 1}, want) is None
    assert "no key 'db'" in cmp({"dW": want["dW"]}, want)
    assert "dict" in cmp([1, 2], want)


def test_check_function_in_a_coding_problem():
    def check(relu):
        n = check_function(relu, "relu", **RELU)
        return f"{n} cases"
    p = CodingProblem(vars=["relu"], check=check)
    assert judge(p, relu=ref_relu).message == "5 cases"
    assert judge(p, relu=lambda x: ____).status is Status.UNATTEMPTED


# -- trajectories ------------------------------------------------------------------------------------------------
REF = [4.0, 2.0, 1.0, 0.5]


def test_trajectory_mismatch_says_where_and_what():
    assert trajectory_mismatch([4, 2, 1, 0.5], REF) is None
    assert "starts at 5" in trajectory_mismatch([5, 2, 1, 0.5], REF)
    msg = trajectory_mismatch([4, 2, 1.5, 0.7], REF, start=1, label="update")
    assert "updates 1 to 2" in msg and "update 3" in msg and "update step" in msg
    assert "3 values; it should have 4" in trajectory_mismatch([4, 2, 1], REF)
    assert trajectory_mismatch([4, 2, 1, 0.5, 0.1], REF, length="at_least") is None
    assert "nan" in trajectory_mismatch([4, 2, float("nan"), 0.5], REF)


def test_series_helpers():
    assert list(as_series([np.float64(1), np.array([[2.0]]), 3])) == [1, 2, 3]
    with pytest.raises(Incorrect, match="single number"):
        as_series([1, [2, 3]], "costs")
    with pytest.raises(Incorrect, match="list of numbers"):
        as_series(5, "costs")
    assert first_below([3, 2, 1, 0.5], 1.5) == 2 and first_below([3, 2], 1, start=1) is None
    assert first_increase([3, 2, 2, 1]) == 2 and first_increase([3, 2, 1]) is None


def test_trajectory_problem():
    p = TrajectoryProblem(var="costs", reference=REF, decreasing=True, start=1,
                          mistakes=[([5.0, 2.0, 1.0, 0.5], "known!")])
    assert judge(p, costs=np.array(REF)).status is Status.CORRECT
    assert judge(p, costs=[]).status is Status.UNATTEMPTED
    assert judge(p, costs=[1.0, PLACEHOLDER]).status is Status.UNATTEMPTED
    assert judge(p, costs=[5.0, 2.0, 1.0, 0.5]).message == "known!"
    assert "go down at every epoch" in judge(p, costs=[4.0, 5.0, 1.0, 0.5]).message
    assert "list of numbers" in judge(p, costs="4, 2, 1").message


def test_check_trajectory_reference_callable_and_none():
    assert "Correct" in check_trajectory(REF, lambda: REF, name="x")
    assert "Correct" in check_trajectory([3, 2], None, name="x", decreasing=True)
    with pytest.raises(Unattempted):
        check_trajectory([], REF, name="x")


def test_plot_curves_and_show_epochs_never_raise(capsys):
    import matplotlib
    matplotlib.use("agg")
    import matplotlib.pyplot as plt
    assert plot_curves([____] * 3) is None
    assert plot_curves({"a": [], "b": "oops"}) is None
    ax = plot_curves({"a": REF, "b": [PLACEHOLDER]}, start=1, first=2, title="t", logy=True)
    assert len(ax.get_lines()) == 1 and list(ax.get_lines()[0].get_xdata()) == [1, 2]
    show_epochs(REF, [1, 4, 9], start=1, digits=2)
    show_epochs({"blank": [PLACEHOLDER], "bad": [[1, 2]]}, [0])
    out = capsys.readouterr().out
    assert "epoch 1: 4.00, epoch 4: 0.50, epoch 9: not reached" in out
    assert "nothing to plot yet" in out and "nothing to show yet" in out and "cannot show it" in out
    plt.close("all")


# -- trajectories: precision, order of the checks, size (issue 14 item 4) -----------------------------
SPREADSHEET = [12.500011332809981, 11.812532530355767, 11.125077405284333, 10.437672356927308]


def test_mismatch_shows_enough_digits_to_tell_the_values_apart():
    msg = trajectory_mismatch([12.500011332809981, 11.8125, 11.125, 10.4375], SPREADSHEET)
    assert "yours is 11.8125, it should be 11.81253" in msg  # not "11.8125, it should be 11.8125"
    assert "for epoch 0 but" in msg  # not "epochs 0 to 0"
    msg = trajectory_mismatch([5.0, 2.0], [4.99999, 2.0])
    assert "starts at 5 (epoch 0), but it should start at 4.99999" in msg


def test_float16_costs_agree_to_float16_precision_and_are_accepted_with_a_note():
    p = TrajectoryProblem(var="costs", reference=SPREADSHEET, decreasing=True, success="Correct! Well trained.")
    for costs in (np.array(SPREADSHEET, dtype=np.float16), [np.float16(c) for c in SPREADSHEET]):
        r = judge(p, costs=costs)
        assert r.status is Status.CORRECT, r.message
        assert r.message.startswith("Correct! Well trained.") and "float16" in r.message
        assert "3 significant digits" in r.message
    assert "float16" not in judge(p, costs=np.array(SPREADSHEET, dtype=np.float32)).message
    assert "float16" not in judge(p, costs=SPREADSHEET).message


def test_float16_costs_that_really_differ_are_rejected_naming_float16():
    wrong = np.array([12.5, 11.8, 11.0, 10.0], dtype=np.float16)
    r = judge(TrajectoryProblem(var="costs", reference=SPREADSHEET), costs=wrong)
    assert r.status is Status.INCORRECT
    assert "yours is 11.8, it should be 11.81" in r.message and "float16" in r.message
    assert "float64" in r.message


def test_the_length_is_checked_before_the_values_go_down():
    p = TrajectoryProblem(var="costs", reference=REF, decreasing=True)
    for costs in (REF + [0.5, 0.5], REF + [0.6], REF[:3]):
        r = judge(p, costs=costs)
        assert r.status is Status.INCORRECT and f"has {len(costs)} values; it should have 4" in r.message, r.message


class _Huge:
    """A sequence far too long to walk: reading past its first values fails the test."""

    def __init__(self, n, head):
        self.n, self.head = n, list(head)

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if isinstance(i, slice):
            start, stop, step = i.indices(self.n)
            assert stop <= 1000 and step == 1, f"read {i}"
            return [self.__getitem__(k) for k in range(start, stop)]
        assert i < 1000, f"read element {i}"
        return self.head[i] if i < len(self.head) else 0.0

    def __iter__(self):
        raise AssertionError("iterated over every element")


def test_huge_trajectories_are_judged_without_walking_every_value(monkeypatch):
    from learnkit.numeric import trajectory
    monkeypatch.setattr(trajectory, "MAX_EXAMINED", 500)  # what `decreasing` reads of a longer run
    huge = _Huge(10**9, REF + [0.25, 0.125])
    assert "has 1,000,000,000 values; it should have 4" in trajectory_mismatch(huge, REF)
    assert trajectory_mismatch(huge, REF, length="at_least") is None
    with pytest.raises(Incorrect, match="1,000,000,000 values"):
        check_trajectory(huge, REF, name="x", decreasing=True)
    with pytest.raises(Incorrect, match="at epoch 7 it went from 0 to 0"):
        check_trajectory(huge, REF, name="x", length="at_least", decreasing=True)
    assert "Correct" in check_trajectory(_Huge(10**9, np.linspace(9, 1, 999)), np.linspace(9, 1, 999)[:4],
                                         name="x", length="at_least", decreasing=True)
    with pytest.raises(Incorrect, match="has 10,000,000 values; it should have 4"):
        check_trajectory(np.zeros(10**7), REF, name="x", decreasing=True)  # benchmarks/trajectory.py times it
    r = judge(TrajectoryProblem(var="costs", reference=REF, decreasing=True), costs=np.zeros(10**6))
    assert "has 1,000,000 values; it should have 4" in r.message  # (via the facts, as q_1.check() does)
    assert "has 1 value; it should have 4, one per epoch (epochs 0 to 3)" in trajectory_mismatch([4.0], REF)


def test_trajectory_messages_in_chinese_name_epochs_in_chinese():
    from learnkit import i18n
    with i18n.using("zh-TW"):
        msg = trajectory_mismatch([12.500011332809981, 11.8125, 11.125, 10.4375], SPREADSHEET)
        length = trajectory_mismatch([4.0], REF, start=1, label="update")
        ok = check_trajectory(np.array(SPREADSHEET, dtype=np.float16), SPREADSHEET, name="`costs`")
    assert "第 0 個時期" in msg and "第 1 個時期" in msg and "11.81253" in msg and "epoch" not in msg, msg
    assert "第 1 到第 4 個更新步驟" in length and "update" not in length, length
    assert "float16" in ok and "有效數字" in ok and "epoch" not in ok, ok
