"""Facts: the plain data a grading kernel reports, decoded by the grader as untrusted input."""
from __future__ import annotations

import json
import os
import signal
import time

import numpy as np
import pandas as pd
import pytest

from learnkit.core import CodingProblem, FunctionProblem, Incorrect, facts
from learnkit.core.functions import Case
from learnkit.core.placeholder import PLACEHOLDER
from learnkit.core.problem import collect, decide, evaluate
from learnkit.core.result import Status
from learnkit.runner.isolate import run_isolated


def roundtrip(value):
    tree, _enc = facts.encode_namespace({"v": value}, ["v"])
    return facts.decode_namespace(json.loads(json.dumps(tree, allow_nan=False)))["v"]


@pytest.mark.parametrize("value", [
    None, True, 3, -2**70, 1.5, float("nan"), float("inf"), "héllo", [1, (2, 3)], {"a": [1.0], 2: None, (1, 2): "t"},
    {1, 2}, np.arange(6, dtype=np.int32).reshape(2, 3), np.array([1.5, np.nan]), np.float32(2.5), np.bool_(True),
    np.array(["a", "b"], dtype=object), np.zeros((0, 3)),
])
def test_plain_values_survive_the_round_trip(value):
    back = roundtrip(value)
    assert type(back) is type(value) or isinstance(value, np.ndarray) and isinstance(back, np.ndarray)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and back.shape == value.shape
        assert np.array_equal(back, value, equal_nan=value.dtype.kind == "f")
    elif isinstance(value, float) and value != value:
        assert back != back
    else:
        assert back == value


def test_data_frames_series_and_the_blank_survive():
    df = pd.DataFrame({"survived": [0, 1, 1], "name": ["a", "b", "c"]}, index=[5, 6, 7])
    back = roundtrip({"df": df, "s": df["survived"], "blank": PLACEHOLDER})
    pd.testing.assert_frame_equal(back["df"], df, check_dtype=False)
    assert list(back["s"]) == [0, 1, 1] and back["s"].name == "survived"
    assert back["blank"] is PLACEHOLDER


def test_the_same_object_twice_stays_one_object():
    shared = [1, 2]
    f = lambda x: x  # noqa: E731
    back = roundtrip({"a": f, "b": f, "l": shared})
    assert back["a"] is back["b"]


def test_unknown_objects_travel_as_a_description_only():
    class Secret:
        def __repr__(self):
            return "<Secret>"
    back = roundtrip(Secret())
    assert type(back).__name__ == "Secret" and isinstance(back, facts.Opaque)
    from learnkit.core.compare import describe
    assert "Secret" in describe(back)


@pytest.mark.parametrize("tree, words", [
    ({"v": {"$t": "nd", "dtype": "|O8", "shape": [1], "b64": ""}}, "dtype"),
    ({"v": {"$t": "nd", "dtype": "<f8", "shape": [2], "b64": "AAAAAAAAAAA="}}, "does not match"),
    ({"v": {"$t": "nd", "dtype": "<f8", "shape": [10**9, 10**9], "b64": ""}}, "too large"),
    ({"v": {"$t": "pickle", "data": "..."}}, "unknown kind"),
    ({"v": {"$t": "ref", "ref": 7}}, "reference"),
    ({"v": {"$t": "dc", "cls": "os.system", "v": {}}}, "unknown record"),
    ({"v": {"no": "tag"}}, "unexpected"),
    ({"v": {"$t": "dict", "v": [[{"$t": "list", "v": []}, 1]]}}, "unhashable"),
    ({"1bad": 3}, "variable name"),
    ({"v": {"$t": "fn", "ref": 1, "name": "f", "params": ["x", "os.system"]}}, "parameter names"),
    ("not a mapping", "mapping"),
])
def test_malformed_facts_are_rejected_with_a_reason(tree, words):
    with pytest.raises(facts.MalformedFacts) as e:
        facts.decode_namespace(tree)
    assert words in str(e.value)


def test_deeply_nested_facts_are_rejected():
    node = 1
    for _ in range(100):
        node = {"$t": "list", "v": [node]}
    with pytest.raises(facts.MalformedFacts):
        facts.decode_namespace({"v": node})


def _double_problem():
    def check(double):
        for x in (1.0, 2.5):
            if double(np.array([x]))[0] != 2 * x:
                raise Incorrect(f"double({x}) is wrong")
        return "Correct!"
    return CodingProblem(vars=["double"], check=check)


def test_a_question_is_judged_the_same_from_its_facts_alone():
    problem = _double_problem()
    ns = {"double": lambda a: a * 2}
    f = json.loads(json.dumps(collect(problem, ns)))
    assert f["calls"], "the calls the check made were recorded"
    assert decide(problem, f).status is Status.CORRECT
    assert evaluate(problem, {"double": lambda a: a + 1}).status is Status.INCORRECT


def test_forged_call_records_only_fool_a_grader_that_gets_the_right_answers():
    problem = _double_problem()
    f = json.loads(json.dumps(collect(problem, {"double": lambda a: a + 1})))
    for records in f["calls"].values():  # a forger must supply the right outputs: knowing the answer
        for key in records:
            x = facts.decode_namespace({"k": json.loads(key)})["k"][0][0]
            records[key] = {"result": facts.Encoder()(x * 3)}
    assert decide(problem, f).status is Status.INCORRECT


def test_a_call_the_kernel_did_not_report_is_an_error_not_a_pass():
    problem = _double_problem()
    f = collect(problem, {"double": lambda a: a * 2})
    f["calls"] = {}
    r = decide(problem, f, "q_1")
    assert r.status is Status.ERROR and "incomplete" in r.message and r.points == 0


def test_a_malformed_question_is_an_error_for_that_question_only():
    problem = _double_problem()
    r = decide(problem, {"vars": {"double": {"$t": "nd", "dtype": "<f8", "shape": [3], "b64": "x"}}}, "q_2")
    assert r.status is Status.ERROR and "malformed facts for q_2" in r.message
    assert decide(problem, 42, "q_2").status is Status.ERROR


def test_in_place_changes_are_replayed_so_purity_checks_still_work():
    def sigmoid(Z):
        Z *= -1
        return 1 / (1 + np.exp(Z))
    problem = FunctionProblem(var="sigmoid", reference=lambda Z: 1 / (1 + np.exp(-Z)),
                              cases=[Case((np.array([0.5, -1.0]),))], pure=True)
    f = json.loads(json.dumps(collect(problem, {"sigmoid": sigmoid}, runner=run_isolated)))
    r = decide(problem, f)
    assert r.status is Status.INCORRECT and "changed its argument `Z` in place" in r.message


def test_recorded_exceptions_keep_their_class():
    def f(x):
        return np.sum(x, axis=3)
    out = run_isolated(f, (np.ones(2),), {})
    with pytest.raises(np.exceptions.AxisError):
        facts.raise_recorded(out)


def test_an_endless_function_is_stopped_and_recorded():
    def endless(x):
        while True:
            pass
    t0 = time.monotonic()
    out = run_isolated(endless, (1,), {}, timeout=1.0)
    assert time.monotonic() - t0 < 5
    assert out["timeout"] == 1.0 and "did not return within 1 s" in out["message"]


def test_a_function_that_kills_its_process_does_not_kill_the_caller():
    out = run_isolated(lambda: os.kill(os.getpid(), signal.SIGKILL), (), {})
    assert out["raised"] == "SystemError" and "signal 9" in out["message"]
    out = run_isolated(lambda: os._exit(3), (), {})
    assert "exit code 3" in out["message"]


def test_a_memory_hog_hits_its_budget():
    out = run_isolated(lambda: np.ones(2**31 // 8 * 4).sum(), (), {}, memory=512 << 20)
    assert out.get("raised", "").endswith("MemoryError")


def test_the_call_cache_reruns_a_function_when_anything_it_reads_changes():
    from learnkit.runner.isolate import CallCache
    runs = []

    def counting(fn, args, kwargs, timeout):
        runs.append(fn.__name__)
        return facts.run_in_process(fn, args, kwargs, timeout)

    cache = CallCache(counting)
    g = {"np": np, "W": np.ones(3)}
    exec("def scale(x):\n    return helper(x) * W\ndef helper(x):\n    return x + 1", g)
    x = (np.arange(3.0),)
    first = cache(g["scale"], x, {})
    assert cache(g["scale"], x, {}) is first and len(runs) == 1          # nothing changed: not run again
    g["W"][0] = 5.0                                                     # a global array changed in place
    assert cache(g["scale"], x, {}) is not first and len(runs) == 2
    exec("def helper(x):\n    return x - 1", g)                         # a function it calls was redefined
    cache(g["scale"], x, {})
    assert len(runs) == 3
    cache(g["scale"], (np.zeros(3),), {})                               # other arguments
    assert len(runs) == 4
    g["state"] = object()
    exec("def opaque(x):\n    return x if state else x", g)             # reads something it cannot fingerprint
    cache(g["opaque"], x, {}), cache(g["opaque"], x, {})
    assert runs[-2:] == ["opaque", "opaque"]


def test_a_context_that_fails_to_install_leaves_nothing_installed(monkeypatch):
    installed = []

    def install(value):
        installed.append(value)
        return lambda: installed.remove(value)

    monkeypatch.setitem(facts._CONTEXT, "a.good", (lambda: 1, install))
    monkeypatch.setitem(facts._CONTEXT, "z.bad", (lambda: 2, install))
    with pytest.raises(facts.MalformedFacts):
        with facts.installed_context({"a.good": 1, "z.bad": {"$t": "pickle"}}):
            pass
    assert installed == []  # the first one was undone when the second failed
