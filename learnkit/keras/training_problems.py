"""Problem kinds for "compile it", "fit it" and "compare these runs" questions.

    CompileProblem(var="model", compile=CompileSpec("adam", "mse"), layers=[...], input_shape=[9])
    TrainingProblem(runs={"history": RunSpec(layers=[...], compile=..., fit=FitSpec(epochs=10))})
    TrainingProblem(runs={"history": RunSpec(..., early_stopping=EarlyStoppingSpec(2))},
                    callback_var="early_stopping_monitor", callback=EarlyStoppingSpec(2))
    TrainingProblem(runs={"h_a": RunSpec(...), "h_b": RunSpec(...)},
                    compare=[BetterRun("val_accuracy", better="h_b", worse="h_a")])  # run_compare.py
    SweepProblem(var="histories", keys=[1e-6, 0.01, 1.0], run=lambda lr: RunSpec(...), setting="learning rate")
    CountedModelProblem(layers=[...], input_shape=[9], params=2165)   # KerasModelProblem + parameter count

Judging order of a run: the variable must exist and not be ``____`` (else unattempted); it must be
the History that ``fit`` returned (else incorrect); a run of the untouched starter model is
unattempted; a run of another question's model (another input shape, or ``relevant`` False) is
incorrect for the student who asks and ignored by the grader's passive judging unless its layers are
this question's (``problems.other_model``); then the first difference in model, compile, fit
arguments, early stopping and curves is the message. ``diagnose(**values)`` adds a sentence about
the student's own curves to a correct answer.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from learnkit.core.compare import describe
from learnkit.core.problem import Incorrect, Problem, Unattempted, Verdict
from learnkit.core.result import Status
from learnkit.i18n import _
from learnkit.keras.facts import ModelFacts, model_facts
from learnkit.keras.problems import KerasModelProblem, other_model
from learnkit.keras.provenance import run_of  # noqa: F401  (thought experiments: which model a run came from)
from learnkit.keras.spec import LayerSpec, first_difference
from learnkit.keras.callbacks import CallbackSpec, callback_spec_difference
from learnkit.keras.early_stopping import EarlyStoppingSpec  # noqa: F401  (the spec most questions use)
from learnkit.keras.schedules import schedule_facts
from learnkit.keras.training import CompileSpec, RunSpec, compile_difference, history_model, run_difference


def _relevant(facts: ModelFacts, input_shape, relevant) -> bool:
    if relevant is not None:
        return bool(relevant(facts))
    if input_shape is None or facts.input_shape is None:
        return True
    return tuple(facts.input_shape) == tuple(input_shape)


def _other_model(var: str, facts: ModelFacts, layers, input_shape, what: str = "", run: bool = False) -> Incorrect:
    """``problems.other_model`` for ``var`` (a model, or with ``run`` the model behind a History)."""
    e = other_model(facts, layers, input_shape)
    text = str(e)
    if run:
        text = _("The model behind `{name}` is not the one asked for. {why}").format(name=var, why=text)
    if what:
        text += " " + _("If `{var}` holds another question's work: {what}").format(var=var, what=what)
    return Incorrect(text, attempt=e.attempt)


@dataclass(kw_only=True)
class CountedModelProblem(KerasModelProblem):
    """A ``KerasModelProblem`` that also checks the total parameter count. The spec matcher already
    compares each layer's count where it can compute the reference (``spec.params_difference``:
    ``use_bias=False``, ...); ``params`` also covers layers it cannot count."""

    params: int | None = None

    def judge(self, ns):
        verdict = super().judge(ns)
        facts = model_facts(ns[self.var], name=self.var)
        if self.params is not None and facts.params is not None and facts.params != self.params:
            raise Incorrect(_("Your layers are right, but `{var}` has {have:,} parameters instead of {want:,}: "
                              "keep the defaults of the layers (use_bias=True).").format(
                var=self.var, have=facts.params, want=self.params))
        return verdict


@dataclass(kw_only=True)
class CompileProblem(Problem):
    """The model in ``var`` (optionally a given stack of layers) compiled as ``compile`` says."""

    var: str = "model"
    compile: CompileSpec
    layers: Sequence[LayerSpec] | None = None
    input_shape: Sequence[int] | None = None
    model_message: str = ""  # put before a structure difference, e.g. "First fix question 1's model: "
    relevant: Callable[[ModelFacts], bool] | None = None
    relevant_message: str = ""
    success: str = ""
    kind = "keras_compile"

    def judge(self, ns):
        model = self.fetch(ns)[self.var]
        facts = model_facts(model, name=self.var)
        if not _relevant(facts, self.input_shape, self.relevant):
            raise _other_model(self.var, facts, self.layers, self.input_shape, self.relevant_message)
        if facts.compile is None:
            raise Unattempted(_("`{var}` is not compiled yet: call `{var}.compile(...)` and run the cell.").format(
                var=self.var))
        if self.layers is not None:
            why = first_difference(facts, self.layers, self.input_shape)
            if why:
                raise Incorrect((self.model_message or _("This question compiles the model built above, which is "
                                                         "not right yet: ")) + why)
        why = compile_difference(facts.compile, self.compile, self.var, schedule=schedule_facts(model))
        if why:
            raise Incorrect(why)
        return Verdict(Status.CORRECT, self.success or _("Correct!"))


@dataclass(kw_only=True)
class TrainingProblem(Problem):
    """One or several training runs, each the History in a variable, judged against its ``RunSpec``."""

    runs: Mapping[str, RunSpec]
    callback_var: str | None = None
    callback: CallbackSpec | None = None  # EarlyStoppingSpec, CheckpointSpec or ReduceLRSpec (callbacks.py)
    callback_run: str | None = None  # the run that must have used the callback last (default: the last run)
    starters: Mapping[str, Sequence[LayerSpec]] = field(default_factory=dict)  # var -> the starter model
    starter_message: str = ""
    relevant: Callable[[Mapping[str, ModelFacts]], bool] | None = None  # {var: facts} -> is this question's run?
    relevant_message: str = ""
    success: str = ""
    diagnose: Callable[..., str | None] | None = None
    compare: Sequence[Callable[[Mapping], str | None]] = ()  # {var: history} -> message (run_compare.BetterRun)
    kind = "keras_training"

    def __post_init__(self):
        self.vars = tuple(self.runs) + ((self.callback_var,) if self.callback_var else ())

    def judge(self, ns):
        values = self.fetch(ns)
        models, facts = {}, {}
        for var, spec in self.runs.items():
            models[var] = history_model(values[var], var)
            facts[var] = model_facts(models[var], name=var)
            starter = self.starters.get(var)
            if starter is not None and first_difference(facts[var], starter) is None:
                raise Unattempted(self.starter_message or _(
                    "`{var}` still comes from the starter model: change the model as the question asks, then train "
                    "it.").format(var=var))
            if not _relevant(facts[var], spec.input_shape, None):
                raise _other_model(var, facts[var], spec.layers, spec.input_shape, self.relevant_message, run=True)
        if self.relevant is not None and not self.relevant(facts):  # asked: wrong; the grader: another question's
            raise Incorrect(self.relevant_message or _("{vars} hold another question's runs: run this question's "
                                                       "cell.").format(vars=", ".join(f"`{v}`" for v in facts)),
                            attempt=False)
        cb = values.get(self.callback_var) if self.callback_var else None
        cb_name = self.callback_var or "early_stopping_monitor"
        if self.callback is not None and self.callback_var:
            why = callback_spec_difference(cb, self.callback, cb_name)
            if why:
                raise Incorrect(why)
            if getattr(cb, "model", None) is None:  # (callback_difference refused anything but a callback)
                raise Incorrect(_("`{cb}` was never passed to fit: add callbacks=[{cb}] to model.fit(...).").format(
                    cb=cb_name))
        for var, spec in self.runs.items():
            why = run_difference(values[var], spec, var, cb=cb, cb_name=cb_name)
            if why:
                raise Incorrect(why)
        if len({id(m) for m in models.values()}) < len(models):
            raise Incorrect(_("{vars} all come from the same model object: build and train a separate model for "
                              "each.").format(vars=", ".join(f"`{v}`" for v in models)))
        if self.callback is not None and self.callback_var:
            target = self.callback_run or list(self.runs)[-1]
            if getattr(cb, "model", None) is not models[target]:
                raise Incorrect(_("`{cb}` was last used to train another model than the one behind `{run}`: pass it "
                                  "to that fit with callbacks=[{cb}].").format(cb=cb_name, run=target))
        for check in self.compare:
            why = check({var: values[var] for var in self.runs})
            if why:
                raise Incorrect(why)
        diagnosis = (self.diagnose(**values) or "") if self.diagnose else ""
        return Verdict(Status.CORRECT, self.success or _("Correct!"), diagnosis=diagnosis)


def _same_key(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) \
            and not isinstance(b, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=0.0)
    return a == b


@dataclass(kw_only=True)
class SweepProblem(Problem):
    """A dict variable holding one History per setting (e.g. per learning rate), each from a fresh model."""

    var: str
    keys: Sequence[Any]
    run: Callable[[Any], RunSpec]  # the RunSpec of the run for one setting
    setting: str = "setting"  # 'learning rate', for messages
    empty_message: str = ""
    same_model_message: str = ""
    success: str = ""
    diagnose: Callable[[Mapping], str | None] | None = None
    kind = "keras_sweep"

    def judge(self, ns):
        runs = self.fetch(ns)[self.var]
        if not isinstance(runs, Mapping):
            raise Incorrect(_("`{var}` should be a dict with one History per {setting} ({{{setting}: "
                              "model.fit(...)}}); yours is {actual}.").format(
                var=self.var, setting=self.setting, actual=describe(runs)))
        if not runs:
            raise Unattempted(self.empty_message or _("`{var}` is still empty: run your loop.").format(var=self.var))
        ordered = {}
        for want in self.keys:
            found = [k for k in runs if _same_key(k, want)]
            if not found:
                raise Incorrect(_("`{var}` has no run for {setting} {want!r} (its keys: {keys}).").format(
                    var=self.var, setting=self.setting, want=want, keys=", ".join(repr(k) for k in runs)))
            ordered[want] = runs[found[0]]
        extra = [k for k in runs if not any(_same_key(k, w) for w in self.keys)]
        if extra:
            raise Incorrect(_("`{var}` has runs for {setting} {extra}, which this question does not ask for "
                              "(only {keys}).").format(var=self.var, setting=self.setting,
                                                       extra=", ".join(repr(k) for k in extra),
                                                       keys=", ".join(repr(k) for k in self.keys)))
        models = [history_model(history, f"{self.var}[{key!r}]") for key, history in ordered.items()]
        if len({id(m) for m in models}) < len(models):
            raise Incorrect(self.same_model_message or _(
                "Several runs in `{var}` trained the same model object, so each started where the previous one "
                "stopped: build a fresh model for each {setting}.").format(var=self.var, setting=self.setting))
        for key, history in ordered.items():
            why = run_difference(history, self.run(key), f"{self.var}[{key!r}]")
            if why:
                raise Incorrect(why)
        diagnosis = (self.diagnose(ordered) or "") if self.diagnose else ""
        return Verdict(Status.CORRECT, self.success or _("Correct!"), diagnosis=diagnosis)
