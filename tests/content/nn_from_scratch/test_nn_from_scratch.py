"""Neural networks from scratch: every checker judged in-process on namespaces (no kernels).

* the reference numbers equal the catalog's (shared/seed_exercises.md, section H);
* the code of each built notebook, executed in-process: the solution namespace is correct on every
  question, the unmodified exercise namespace is unattempted on every question after every cell,
  and the author-test cells run without failing;
* right, wrong and unattempted answers per question, with the messages that name the mistake.
"""
import contextlib
import io
from pathlib import Path

import numpy as np
import pytest

from learnkit.authoring.build import derive, read_source
from learnkit.core import PLACEHOLDER, Status, binder
from checkers.nn_from_scratch import ex1, ex2, ex3, ex4
from checkers.nn_from_scratch import reference as ref
from repo import ROOT  # noqa: E402

SOURCES = ROOT / "notebooks" / "nn_from_scratch"
EXERCISES = {"ex1": ex1, "ex2": ex2, "ex3": ex3, "ex4": ex4}
____ = PLACEHOLDER


@pytest.fixture(autouse=True)
def _restore_numpy_printing():
    """The notebooks set numpy's legacy printing; keep it out of other tests."""
    options = np.get_printoptions()
    yield
    np.set_printoptions(**options)
    import matplotlib.pyplot as plt
    plt.close("all")


def run_notebook_in_process(name: str, variant: str, after_cell=None) -> dict:
    """Execute the code cells of one derived notebook in a fresh namespace (output swallowed)."""
    nb = derive(read_source(SOURCES / f"{name}.py"), variant, name)
    ns = {"__name__": "__main__"}
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(cell.source, f"<{name} {variant} cell {i}>", "exec"), ns)
        if after_cell:
            after_cell(ns, i)
    return ns


def grade(module, **ns):
    binder.bind(ns)
    return {r.question: r for r in module.exercise.grade(ns)}


def verdict(module, question, **ns):
    return grade(module, **ns)[question]


# -- the reference numbers --------------------------------------------------------------------------------
def test_reference_numbers_match_the_catalog():
    w = ref.WEIGHTS
    hidden = np.array([(ref.INPUT_DATA * w["node_0"]).sum(), (ref.INPUT_DATA * w["node_1"]).sum()])
    assert list(hidden) == [26, -13] and (hidden * w["output"]).sum() == -39
    assert [ref.predict_with_network(r, w) for r in ref.INPUT_ROWS] == [52, 63, 0, 148]
    h0, h1 = ref.deep_hidden_layers(ref.INPUT_DATA, ref.DEEP_WEIGHTS)
    assert list(h0) == [26, 0] and list(h1) == [0, 26]
    assert ref.predict_with_deep_network(ref.INPUT_DATA, ref.DEEP_WEIGHTS) == 182
    assert ref.predict_with_deep_network(ref.IDENTITY_INPUT, ref.IDENTITY_WEIGHTS, act=lambda z: z) == 0
    assert ref.predict_with_network(ref.SINGLE_INPUT, ref.as_weights(ref.WEIGHTS_0)) - 3 == 6
    preds_0 = [ref.predict_with_network(r, ref.as_weights(ref.WEIGHTS_0)) for r in ref.MSE_ROWS]
    preds_alt = [ref.predict_with_network(r, ref.WEIGHTS_ALT) for r in ref.MSE_ROWS]
    assert ref.mse(ref.TARGET_ACTUALS, preds_0) == 37.5 and ref.mse(ref.TARGET_ACTUALS, preds_alt) == 49.890625
    hist = ref.mse_history(20)
    assert np.allclose(hist[:4], [25.4016, 13.168189, 6.826389, 3.5388]) and round(hist[-1], 6) == 9.6e-05
    costs = ref.and_costs(71)
    assert np.round(costs[:9], 5).tolist() == [12.50001, 11.81253, 11.12508, 10.43767, 9.75037, 9.0633, 8.3767,
                                               7.69109, 7.00757]
    assert round(costs[70], 5) == 0.08254 and np.argmax(np.array(costs) < 0.09) == 52
    dec = ref.decoder_costs(70)
    assert [round(dec[e - 1], 3) for e in (1, 2, 3, 60)] == [1.386, 1.269, 1.175, 0.175]
    assert round(ref.decoder_costs(70, "sigmoid")[59], 3) == 1.169
    assert round(ref.decoder_costs(70, "sigmoid_no_chain")[59], 3) == 1.052
    for activation in ("sigmoid", "tanh"):
        costs, params = ref.xor_run(activation)
        P = ref.xor_forward(ref.XOR_X, params, activation)[1]
        assert np.all((P > 0.5) == (ref.XOR_Y > 0.5)) and costs[-1] < 0.02


# -- the notebooks' code, in-process ----------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_solution_namespace_is_correct_everywhere(name):
    ns = run_notebook_in_process(name, "solution")
    results = grade(EXERCISES[name], **ns)
    assert {q: r.status for q, r in results.items()} == {q: Status.CORRECT for q in results}, \
        {q: r.message for q, r in results.items() if not r.passed}


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_solution_answers_stay_correct_in_later_cells(name):
    """No later cell of the solution overwrites an earlier answer: re-checking a question later agrees."""
    solved, lost = {}, []

    def judge_all(ns, i):
        binder.bind(ns)
        for r in EXERCISES[name].exercise.grade(ns):
            if r.passed:
                solved.setdefault(r.question, i)
            elif r.question in solved:
                lost.append((i, r.question, r.message))
    run_notebook_in_process(name, "solution", judge_all)
    assert len(solved) == len(EXERCISES[name].exercise.questions) and not lost, lost


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_exercise_namespace_is_unattempted_after_every_cell(name):
    seen = []

    def judge_all(ns, i):
        binder.bind(ns)
        for r in EXERCISES[name].exercise.grade(ns):
            seen.append((i, r.question, r.status, r.message))
    run_notebook_in_process(name, "exercise", judge_all)
    bad = [s for s in seen if s[2] is not Status.UNATTEMPTED]
    assert not bad, bad


@pytest.mark.filterwarnings("ignore::RuntimeWarning")   # author tests train uphill on purpose
@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_author_tests_pass_in_process(name):
    ns = run_notebook_in_process(name, "test")   # every assert_check_* inside holds
    assert all(r.passed for r in grade(EXERCISES[name], **ns).values())


# -- ex1: forward propagation ----------------------------------------------------------------------------------
def relu(x):
    return max(x, 0)


def predict(input_data_row, weights):
    hidden = np.array([relu((input_data_row * weights["node_0"]).sum()),
                       relu((input_data_row * weights["node_1"]).sum())])
    return relu((hidden * weights["output"]).sum())


def test_ex1_values():
    right = dict(node_0_value=26, node_1_value=-13, hidden_layer_outputs=np.array([26, -13]), output=-39)
    assert verdict(ex1, "q_1", **right).passed
    assert "sign" in verdict(ex1, "q_1", **{**right, "output": 39}).message
    assert "ReLU" in verdict(ex1, "q_1", **{**right, "output": 52}).message
    assert verdict(ex1, "q_1", **{**right, "output": ____}).status is Status.UNATTEMPTED
    assert verdict(ex1, "q_3", node_0_output=26, node_1_output=0, model_output=52.0).passed
    assert "relu" in verdict(ex1, "q_3", node_0_output=26, node_1_output=0, model_output=-39).message
    assert verdict(ex1, "q_5", identity_prediction=0).passed
    assert "ReLU" in verdict(ex1, "q_5", identity_prediction=6).message


@pytest.mark.parametrize("fn,ok", [(relu, True), (lambda x: np.maximum(x, 0), True),
                                   (lambda x: x if x > 0 else 0, True), (abs, False),
                                   (lambda x: max(-x, 0), False), (lambda x: 3, False),
                                   (lambda x: min(x, 0), False)])
def test_ex1_relu(fn, ok):
    assert verdict(ex1, "q_2", relu=fn).passed is ok


def test_ex1_predict_with_network():
    r = verdict(ex1, "q_4", predict_with_network=predict, results=[52, 63, 0, 148], relu=relu)
    assert r.passed and "12 hidden" in r.message

    def no_output_relu(row, weights):
        hidden = np.array([relu((row * weights["node_0"]).sum()), relu((row * weights["node_1"]).sum())])
        return (hidden * weights["output"]).sum()
    assert "output too" in verdict(ex1, "q_4", predict_with_network=no_output_relu, results=[52, 63, 0, 148]).message
    assert "global" in verdict(ex1, "q_4", predict_with_network=lambda row, w: predict(row, ref.WEIGHTS),
                               results=[52, 63, 0, 148]).message
    assert "whatever" in verdict(ex1, "q_4", predict_with_network=lambda row, w: 52, results=[52] * 4).message
    assert verdict(ex1, "q_4", predict_with_network=predict, results=[____] * 4).status is Status.UNATTEMPTED


def test_ex1_deep_network():
    def deep(row, weights, output_relu=False):
        h0 = np.array([relu((row * weights["node_0_0"]).sum()), relu((row * weights["node_0_1"]).sum())])
        h1 = np.array([relu((h0 * weights["node_1_0"]).sum()), relu((h0 * weights["node_1_1"]).sum())])
        out = (h1 * weights["output"]).sum()
        return relu(out) if output_relu else out
    assert verdict(ex1, "q_6", predict_with_deep_network=deep, deep_output=182).passed
    r = verdict(ex1, "q_6", predict_with_deep_network=lambda r, w: deep(r, w, True), deep_output=182)
    assert "not apply `relu` to the output" in r.message and "[26, 0]" in r.message
    assert "deep_output" in verdict(ex1, "q_6", predict_with_deep_network=deep, deep_output=181).message


def test_ex1_choices():
    assert verdict(ex1, "q_7", answer_representations="b").passed
    assert not verdict(ex1, "q_8", answer_levels="a").passed


# -- ex2: errors, slopes and gradient descent ------------------------------------------------------------------
@pytest.mark.parametrize("weights_1", [
    {"node_0": [2, 1], "node_1": [1, 2], "output": [1, 0]},      # the seed's
    {"node_0": [2, 1], "node_1": [1, 0], "output": [1, 1]},
    {"node_0": [2, 1], "node_1": [1, -3.5], "output": [1, 1]},
    {"node_0": [2, 1], "node_1": [1, 2], "output": [-1, 1]},
])
def test_ex2_any_single_change_giving_3_passes(weights_1):
    assert verdict(ex2, "q_3", error_0=6, weights_1=weights_1, error_1=0).passed


@pytest.mark.parametrize("weights_1,error_0,error_1,expect", [
    ({"node_0": [2, 1], "node_1": [1, 2], "output": [1, 1]}, 6, 0, "still the same"),
    ({"node_0": [2, 1], "node_1": [1, 0], "output": [1, 0]}, 6, 0, "You changed 2 numbers"),
    ({"node_0": [2, 0], "node_1": [1, 2], "output": [1, 1]}, 6, 0, "predicts 6"),
    ({"node_0": [2, 1], "node_1": [1, 2], "output": [1, 0]}, -6, 0, "wrong sign"),
    ({"node_0": [2, 1], "node_1": [1, 2], "output": [1, 0]}, 6, 3, "error_1"),
    ({"node_0": [2, 1], "output": [1, 0]}, 6, 0, "keys"),
])
def test_ex2_weight_change_mistakes(weights_1, error_0, error_1, expect):
    r = verdict(ex2, "q_3", error_0=error_0, weights_1=weights_1, error_1=error_1)
    assert r.status is Status.INCORRECT and expect in r.message


def test_ex2_values_and_sign_conventions():
    assert verdict(ex2, "q_1", model_error=11).passed
    assert "predicted − actual" in verdict(ex2, "q_1", model_error=-11).message
    mse = dict(predictions_0=[9, 9, 0, 12], predictions_alt=[9.75, 10, 0, 14], mse_0=37.5, mse_alt=49.890625)
    assert verdict(ex2, "q_4", **mse).passed
    assert "absolute" in verdict(ex2, "q_4", **{**mse, "mse_0": 6.0}).message
    assert verdict(ex2, "q_4", **{**mse, "predictions_0": [], "mse_0": ____}).status is Status.UNATTEMPTED
    assert verdict(ex2, "q_5", new_weight=2.24).passed
    assert "uphill" in verdict(ex2, "q_5", new_weight=1.76).message
    slopes = dict(preds=7, residual=-7, slope=np.array([-14, -28, -42]))
    assert verdict(ex2, "q_6", **slopes).passed
    assert "convention" in verdict(ex2, "q_6", **{**slopes, "slope": np.array([14, 28, 42])}).message
    update = dict(error=7, gradient=np.array([14, 28, 42]), weights_updated=np.array([-0.14, 1.72, 0.58]),
                  error_updated=5.04)
    assert verdict(ex2, "q_7", **update).passed
    assert "uphill" in verdict(ex2, "q_7", **{**update, "weights_updated": np.array([0.14, 2.28, 1.42])}).message
    assert verdict(ex2, "q_10", gradient_a=6, gradient_b=0).passed
    assert "negative" in verdict(ex2, "q_10", gradient_a=6, gradient_b=6).message


def test_ex2_mse_hist():
    assert verdict(ex2, "q_8", mse_hist=list(ref.mse_history(20))).passed
    assert "*before*" in verdict(ex2, "q_8", mse_hist=list(ref.mse_history(20, after_update=False))).message
    assert "Reset" in verdict(ex2, "q_8", mse_hist=list(ref.mse_history(40)[20:])).message
    assert "go down" in verdict(ex2, "q_8", mse_hist=list(ref.mse_history(20))[::-1]).message
    assert verdict(ex2, "q_8", mse_hist=[]).status is Status.UNATTEMPTED


# -- ex3: the perceptron for AND -------------------------------------------------------------------------------
def test_ex3_functions():
    assert verdict(ex3, "q_1", sigmoid=ref.sigmoid).passed
    assert "flipped" in verdict(ex3, "q_1", sigmoid=lambda Z, derivative=False: 1 / (1 + np.exp(Z))
                                if not derivative else ref.sigmoid(Z, True)).message
    assert verdict(ex3, "q_3", binary_cross_entropy=ref.binary_cross_entropy).passed
    assert "sign bug" in verdict(ex3, "q_3", binary_cross_entropy=ref.seed_binary_cross_entropy).message
    steps = dict(feed_forward=ref.feed_forward, back_propagate=ref.back_propagate,
                 update_parameters=ref.update_parameters)
    r = verdict(ex3, "q_4", **steps)
    assert r.passed and "9.75" in r.message

    def inplace(params, grads, learning_rate):
        params["W"] -= learning_rate * grads["dW"]
        params["b"] -= learning_rate * grads["db"]
        return params
    assert "changed its argument `params` in place" in verdict(ex3, "q_4", **{**steps, "update_parameters": inplace}).message


def test_ex3_costs_epoch_and_plot():
    import matplotlib
    matplotlib.use("agg")
    import matplotlib.pyplot as plt
    costs = list(ref.and_costs(71))
    assert verdict(ex3, "q_5", costs=costs).passed
    assert "negative" in verdict(ex3, "q_5", costs=[-c for c in costs]).message
    assert "*after*" in verdict(ex3, "q_5", costs=list(ref.and_costs(71, after_update=True))).message
    assert verdict(ex3, "q_6", first_epoch_below_009=52).passed
    assert "logbook" in verdict(ex3, "q_6", first_epoch_below_009=37).message
    assert verdict(ex3, "q_7", answer_logbook="b").passed
    fig, ax = plt.subplots()
    assert verdict(ex3, "q_8", ax=ax).status is Status.UNATTEMPTED
    ax.plot(costs)
    assert "Label" in verdict(ex3, "q_8", ax=ax).message
    ax.set_xlabel("epoch"), ax.set_ylabel("cost")
    assert verdict(ex3, "q_8", ax=ax).passed
    assert "plt.subplots" in verdict(ex3, "q_8", ax=plt.plot(costs)).message


# -- ex4: softmax and a hidden layer -----------------------------------------------------------------------------
def test_ex4_softmax_and_cross_entropy():
    assert verdict(ex4, "q_1", softmax=ref.softmax).passed
    naive = lambda Z: np.exp(Z) / np.exp(Z).sum(axis=0, keepdims=True)   # noqa: E731
    assert "overflows" in verdict(ex4, "q_1", softmax=naive).message
    assert verdict(ex4, "q_2", cross_entropy=ref.cross_entropy).passed
    assert "Y.shape[1]" in verdict(ex4, "q_2", cross_entropy=lambda Y, P: -np.mean(Y * np.log(P))).message


def test_ex4_decoder_and_sigmoid_before_softmax():
    ns = dict(softmax=ref.softmax, cross_entropy=ref.cross_entropy, sigmoid=ref.sigmoid)
    dec = list(ref.decoder_costs(70))
    assert verdict(ex4, "q_3", train_softmax=ref.train_softmax, decoder_costs=dec, **ns).passed
    no_b = lambda *a: ref.train_softmax(*a, update_b=False)   # noqa: E731
    assert "biases" in verdict(ex4, "q_3", train_softmax=no_b, decoder_costs=dec, **ns).message
    sig = list(ref.decoder_costs(70, "sigmoid"))
    assert verdict(ex4, "q_4", train_sigmoid_softmax=ref.train_sigmoid_softmax, sigmoid_softmax_costs=sig).passed
    logbook = lambda *a: ref.train_sigmoid_softmax(*a, chain_rule=False)   # noqa: E731
    assert "1.052" in verdict(ex4, "q_4", train_sigmoid_softmax=logbook, sigmoid_softmax_costs=sig).message
    assert "1.052" in verdict(ex4, "q_4", train_sigmoid_softmax=ref.train_sigmoid_softmax,
                              sigmoid_softmax_costs=list(ref.decoder_costs(70, "sigmoid_no_chain"))).message
    assert verdict(ex4, "q_5", answer_sigmoid_softmax="b").passed


def test_ex4_xor():
    costs, params = ref.xor_run("sigmoid")
    tanh_costs, tanh_params = ref.xor_run("tanh")
    ns = dict(train_xor=ref.train_xor, xor_costs=list(costs), xor_params=params)
    assert verdict(ex4, "q_6", **ns).passed
    seq = lambda *a: ref.train_xor(*a, sequential=True)   # noqa: E731
    assert "before updating any weight" in verdict(ex4, "q_6", **{**ns, "train_xor": seq}).message
    early = ref.train_xor(ref.XOR_X, ref.XOR_Y, ref.XOR_INIT, 1.0, 100)[1]
    assert "right side of 0.5" in verdict(ex4, "q_6", **{**ns, "xor_params": early}).message
    assert verdict(ex4, "q_7", tanh_costs=list(tanh_costs), tanh_params=tanh_params).passed
    assert "tanh_costs" in verdict(ex4, "q_7", tanh_costs=list(costs), tanh_params=tanh_params).message
    r = verdict(ex4, "q_8", xor_costs=list(costs), tanh_costs=list(tanh_costs))
    assert r.passed and "epoch 445 with sigmoid and epoch 78 with tanh" in r.diagnosis
    assert verdict(ex4, "q_8", xor_costs=[____] * 3, tanh_costs=[]).status is Status.UNATTEMPTED
