"""Learning-rate schedules, checked by their values at given steps.

    spec = ScheduleSpec.like("InverseTimeDecay", steps=[0, 20_000, 40_000], initial_learning_rate=0.001,
                             decay_steps=20_000, decay_rate=1)   # or ScheduleSpec({0: 0.001, 20_000: 0.0005})
    schedule_difference(schedule_facts(model), spec)   # None, or "At step 20,000 your learning rate is ..."
    CompileSpec("adam", "mse", learning_rate=spec)      # the same inside the compile check (training.py)

The facts (``ScheduleFacts``) are what ``model.optimizer.get_config()`` says of the learning rate: a
float, or a ``LearningRateSchedule``'s class and config. Values are computed from the config with
Keras's formulas (``value_at``) for InverseTimeDecay, ExponentialDecay, PiecewiseConstantDecay,
CosineDecay and PolynomialDecay (the tests compare them with Keras's own), so the grader needs no
Keras; any schedule with the expected values passes, however it is spelled (``InverseTimeDecay``
with ``decay_steps=1000, decay_rate=1`` is ``decay_steps=2000, decay_rate=2``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

from learnkit.core import facts as F
from learnkit.i18n import _, gap

REL_TOL = 1e-3  # learning rates are float32


@dataclass(frozen=True)
class ScheduleFacts:
    cls: str | None  # a LearningRateSchedule's class name; None: a constant learning rate
    config: dict = field(default_factory=dict, hash=False)  # the schedule's config (numbers, lists)
    constant: float | None = None  # the learning rate, when it is a constant

    def value_at(self, step: int) -> float | None:
        """The learning rate at ``step`` (None for a schedule whose formula this does not know)."""
        if self.cls is None:
            return self.constant
        formula = _FORMULAS.get(self.cls)
        try:
            return None if formula is None else float(formula(dict(self.config), float(step)))
        except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
            return None


F.register_dataclass(ScheduleFacts)


def _p(c: dict, step: float) -> float:
    p = step / c["decay_steps"]
    return math.floor(p) if c.get("staircase") else p


def _piecewise(c: dict, step: float) -> float:
    for boundary, value in zip(c["boundaries"], c["values"]):
        if step <= boundary:
            return value
    return c["values"][-1]


def _cosine(c: dict, step: float) -> float:
    initial, warmup = c["initial_learning_rate"], c.get("warmup_steps") or 0
    target = c.get("warmup_target")
    if target is not None and step < warmup:
        return initial + (target - initial) * step / warmup
    start = target if target is not None else initial
    s = min(step - (warmup if target is not None else 0), c["decay_steps"])
    alpha = c.get("alpha", 0.0)
    return start * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * s / c["decay_steps"])) + alpha)


def _polynomial(c: dict, step: float) -> float:
    steps = c["decay_steps"]
    if c.get("cycle"):
        steps = steps * max(1.0, math.ceil(step / steps))
    else:
        step = min(step, steps)
    end = c.get("end_learning_rate", 0.0001)
    return (c["initial_learning_rate"] - end) * (1 - step / steps) ** c.get("power", 1.0) + end


_FORMULAS = {
    "InverseTimeDecay": lambda c, s: c["initial_learning_rate"] / (1 + c["decay_rate"] * _p(c, s)),
    "ExponentialDecay": lambda c, s: c["initial_learning_rate"] * c["decay_rate"] ** _p(c, s),
    "PiecewiseConstantDecay": _piecewise,
    "CosineDecay": _cosine,
    "PolynomialDecay": _polynomial,
}


def _simple(config: Mapping) -> dict:
    keep = (int, float, str, bool, type(None))
    return {k: list(v) if isinstance(v, (list, tuple)) else v for k, v in config.items()
            if isinstance(v, keep) or isinstance(v, (list, tuple)) and all(isinstance(x, keep) for x in v)}


def schedule_facts(obj) -> ScheduleFacts | None:
    """The learning rate of a model's optimizer (a live model, a ``ModelFact``, an optimizer, a schedule
    or a number) as facts; None when there is no optimizer (not compiled)."""
    from learnkit.keras.fact_types import ModelFact
    if isinstance(obj, ModelFact):
        return obj.schedule
    if isinstance(obj, (int, float)) and not isinstance(obj, bool):
        return ScheduleFacts(None, constant=float(obj))
    if hasattr(obj, "get_compile_config") or hasattr(obj, "optimizer"):
        obj = getattr(obj, "optimizer", None)
        if obj is None:
            return None
    try:
        import keras
    except ImportError:
        return None
    if isinstance(obj, keras.optimizers.schedules.LearningRateSchedule):
        return ScheduleFacts(type(obj).__name__, _simple(obj.get_config()))
    try:
        raw = obj.get_config().get("learning_rate")
    except Exception:
        return None
    if isinstance(raw, dict):  # a serialized LearningRateSchedule
        return ScheduleFacts(str(raw.get("class_name")), _simple(raw.get("config") or {}))
    if isinstance(raw, (int, float)):
        return ScheduleFacts(None, constant=float(raw))
    return None


# ---------------------------------------------------------------- specs
@dataclass(frozen=True)
class ScheduleSpec:
    """The learning rate expected at some steps: ``((step, value), ...)``; ``cls`` names the schedule in
    messages (any schedule with these values passes)."""

    values: tuple
    cls: str | None = None
    rel_tol: float = REL_TOL

    def __init__(self, values: Mapping[int, float] | tuple, cls: str | None = None, rel_tol: float = REL_TOL):
        items = values.items() if isinstance(values, Mapping) else values
        object.__setattr__(self, "values", tuple((int(s), float(v)) for s, v in items))
        object.__setattr__(self, "cls", cls)
        object.__setattr__(self, "rel_tol", rel_tol)

    @classmethod
    def like(cls, schedule: str, steps, rel_tol: float = REL_TOL, midpoints: bool = True,
             **config) -> "ScheduleSpec":
        """The values that the schedule ``schedule`` (a class name) with ``config`` takes at ``steps``
        (and, with ``midpoints``, halfway between them: a staircase schedule differs only there)."""
        facts = ScheduleFacts(schedule, _simple(config))
        steps = sorted(set(int(s) for s in steps))
        if midpoints:
            steps = sorted(set(steps) | {(a + b) // 2 for a, b in zip(steps, steps[1:])})
        values = [(s, facts.value_at(s)) for s in steps]
        if any(v is None for _s, v in values):
            raise ValueError(f"cannot compute {schedule} with {config}")
        return cls(tuple(values), schedule, rel_tol)


def _num(v: float, other: float) -> str:
    """Enough significant digits to tell ``v`` from ``other``: 0.00067 vs 0.0005."""
    for digits in (2, 3, 4, 6, 8):
        if f"{v:.{digits}g}" != f"{other:.{digits}g}":
            return f"{v:.{digits}g}"
    return f"{v:.8g}"


def schedule_difference(facts: ScheduleFacts | None, spec: ScheduleSpec, name: str = "model") -> str | None:
    """None when the learning rate takes the expected values; else one message for the student."""
    if facts is None:
        return _("`{name}` is not compiled yet: call `{name}.compile(...)`.").format(name=name)
    how = _("Pass a keras.optimizers.schedules.{cls}(...) as the optimizer's learning_rate.").format(
        cls=spec.cls) if spec.cls else _("Pass a learning-rate schedule as the optimizer's learning_rate.")
    varies = len({v for _s, v in spec.values}) > 1
    if facts.cls is None and varies:
        (s0, v0), (s1, v1) = spec.values[0], next(sv for sv in spec.values if sv[1] != spec.values[0][1])
        text = _("Your learning rate is a constant {lr}; this question asks for a schedule: at step {s0:,} it should "
                 "be {v0}, at step {s1:,} {v1}.").format(lr=_num(facts.constant or 0.0, v1), s0=s0,
                                                          v0=_num(v0, v1), s1=s1, v1=_num(v1, v0))
        return text + gap(text) + how
    for step, want in spec.values:
        got = facts.value_at(step)
        if got is None:
            text = _("learnkit cannot compute your {cls} schedule; this question asks for {want}.").format(
                cls=facts.cls, want=spec.cls or _("a schedule that gives the question's values"))
            return text + gap(text) + how
        if not math.isclose(got, want, rel_tol=spec.rel_tol, abs_tol=1e-12):
            text = _("At step {step:,} your learning rate is {got}; expected {want}.").format(
                step=step, got=_num(got, want), want=_num(want, got))
            if spec.cls and facts.cls != spec.cls:
                text += gap(text) + _("This question's schedule is {want}; yours is {have}.").format(
                    want=spec.cls, have=facts.cls or _("a constant learning rate"))
            return text
    return None
