"""Learning-rate schedules (learnkit/keras/schedules.py): facts of real optimizers, values against Keras's own,
the logbook's InverseTimeDecay, and plain float learning rates (RMSprop(1.) vs RMSprop(1e-2))."""
import pytest

keras = pytest.importorskip("keras")
from keras.optimizers import schedules as S  # noqa: E402

from learnkit.core.problem import evaluate  # noqa: E402
from learnkit.keras.schedules import ScheduleSpec, schedule_difference, schedule_facts  # noqa: E402
from learnkit.keras.training import CompileSpec  # noqa: E402
from learnkit.keras.training_problems import CompileProblem  # noqa: E402

STEPS_PER_EPOCH = 20  # the logbook's Higgs run: decay_steps=STEPS_PER_EPOCH*1000
LOGBOOK = ScheduleSpec.like("InverseTimeDecay", steps=[0, STEPS_PER_EPOCH * 1000, STEPS_PER_EPOCH * 2000],
                            initial_learning_rate=0.001, decay_steps=STEPS_PER_EPOCH * 1000, decay_rate=1)


def compiled(optimizer):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def test_values_agree_with_keras():
    schedules = [S.InverseTimeDecay(0.001, 20_000, 1), S.InverseTimeDecay(0.001, 300, 0.5, staircase=True),
                 S.ExponentialDecay(0.01, 1000, 0.9), S.ExponentialDecay(0.01, 1000, 0.9, staircase=True),
                 S.PiecewiseConstantDecay([1000, 2000], [0.1, 0.01, 0.001]), S.CosineDecay(0.1, 1000),
                 S.CosineDecay(0.1, 1000, alpha=0.1, warmup_target=0.2, warmup_steps=100),
                 S.PolynomialDecay(0.1, 1000, 0.01, power=2.0), S.PolynomialDecay(0.1, 1000, cycle=True)]
    for schedule in schedules:
        facts = schedule_facts(compiled(keras.optimizers.Adam(schedule)))
        assert facts.cls == type(schedule).__name__
        for step in (0, 50, 100, 999, 1000, 1500, 2000, 2500, 20_000, 40_000):
            assert facts.value_at(step) == pytest.approx(float(schedule(step)), rel=1e-4, abs=1e-9), (schedule, step)


def test_logbook_inverse_time_decay_and_equivalent_spellings():
    assert dict(LOGBOOK.values)[20_000] == pytest.approx(0.0005)
    assert dict(LOGBOOK.values)[40_000] == pytest.approx(0.001 / 3)
    for right in (S.InverseTimeDecay(0.001, decay_steps=20_000, decay_rate=1, staircase=False),
                  S.InverseTimeDecay(0.001, decay_steps=40_000, decay_rate=2),  # the same function
                  S.InverseTimeDecay(initial_learning_rate=1e-3, decay_steps=10_000, decay_rate=0.5)):
        assert schedule_difference(schedule_facts(compiled(keras.optimizers.Adam(right))), LOGBOOK) is None


def test_wrong_schedules():
    def why(optimizer):
        return schedule_difference(schedule_facts(compiled(optimizer)), LOGBOOK)
    assert why(keras.optimizers.Adam(S.InverseTimeDecay(0.001, 20_000, 0.5))) == \
        "At step 10,000 your learning rate is 0.0008; expected 0.00067."
    assert why(keras.optimizers.Adam(S.InverseTimeDecay(0.001, 20_000, 1, staircase=True))) == \
        "At step 10,000 your learning rate is 0.001; expected 0.00067."  # a staircase differs between the steps
    assert why(keras.optimizers.Adam(S.ExponentialDecay(0.001, 20_000, 0.5))) == (
        "At step 10,000 your learning rate is 0.00071; expected 0.00067. This question's schedule is "
        "InverseTimeDecay; yours is ExponentialDecay.")
    assert why("adam") == (
        "Your learning rate is a constant 0.001; this question asks for a schedule: at step 0 it should be 0.001, "
        "at step 10,000 0.00067. Pass a keras.optimizers.schedules.InverseTimeDecay(...) as the optimizer's "
        "learning_rate.")
    spec = ScheduleSpec({0: 0.001, 20_000: 0.0005})
    assert schedule_difference(schedule_facts(compiled(keras.optimizers.Adam(S.InverseTimeDecay(0.001, 30_000, 1)))),
                               spec) == "At step 20,000 your learning rate is 0.0006; expected 0.0005."
    assert schedule_difference(None, spec) == "`model` is not compiled yet: call `model.compile(...)`."


def test_compile_problem_with_a_schedule_and_with_a_float():
    problem = CompileProblem(compile=CompileSpec("adam", "mse", learning_rate=LOGBOOK))
    right = compiled(keras.optimizers.Adam(S.InverseTimeDecay(0.001, 40_000, 2)))
    assert evaluate(problem, {"model": right}, question="q_1").status.value == "correct"  # through the facts
    wrong = evaluate(problem, {"model": compiled(keras.optimizers.Adam(S.InverseTimeDecay(0.001, 20_000, 0.5)))},
                     question="q_1")
    assert wrong.message == "At step 10,000 your learning rate is 0.0008; expected 0.00067."
    rmsprop = CompileProblem(compile=CompileSpec("rmsprop", learning_rate=1e-2))
    assert evaluate(rmsprop, {"model": compiled(keras.optimizers.RMSprop(1e-2))}, question="q_1").status.value == \
        "correct"
    assert evaluate(rmsprop, {"model": compiled(keras.optimizers.RMSprop(1.0))}, question="q_1").message == \
        "`model`'s RMSprop optimizer has learning rate 1; it should have learning_rate=0.01."
    # a float compares a schedule's initial rate (CompileFacts); a constant ScheduleSpec also sees it decay
    constant = CompileProblem(compile=CompileSpec("rmsprop", learning_rate=ScheduleSpec({0: 0.01, 1000: 0.01})))
    decaying = compiled(keras.optimizers.RMSprop(S.ExponentialDecay(0.01, 100, 0.5)))
    assert evaluate(constant, {"model": decaying}, question="q_1").message == \
        "At step 1,000 your learning rate is 9.8e-06; expected 0.01."
    assert evaluate(constant, {"model": compiled(keras.optimizers.RMSprop(1e-2))}, question="q_1").status.value == \
        "correct"
    assert schedule_facts(compiled(keras.optimizers.RMSprop(1.0))).constant == 1.0
    assert schedule_facts(keras.Sequential([keras.layers.Dense(1)])) is None
