"""Which model a training run came from, whatever form the student keeps it in.

    run_of(history, RunSpec(layers=SPOTIFY_DROPOUT, input_shape=[18]), _("the dropout model of question 1"),
           starter=SPOTIFY_STARTER)

A thought experiment about "your run" (ex5 q_2/q_4) may only credit a run of the question's model.
One rule decides that for every form the student's ``history`` may take:

* the History that ``fit`` returned carries its model (``history.model``);
* its ``.history`` dict, or a pandas DataFrame of it (all its columns or some), carries no model.
  It is tied to the run of this notebook that gave exactly these values: ``learnkit.keras.history_log``
  remembers every History the notebook held after each cell, with its model (the checker calls
  ``history_log.watch()``). Values that match no remembered run, or runs of models that this rule
  judges differently, cannot be tied to a model: they are never credited, and the message says so
  honestly - incorrect for the student who asks, ignored by the grader's passive judging
  (``Incorrect(attempt=False)``).

The model then decides, the same way for every form: this question's model (layers, input shape,
parameter counts) -> the run is the question's; the untouched ``starter`` -> ``Unattempted``; any
other model -> ``Incorrect`` with the first difference, which the grader counts as an attempt only
when the model was built for this question's data (its input shape), not when it is another
question's run.

``TrainingProblem`` judges fit's arguments too, which only the History holds, so it keeps asking
for the History itself (``training.history_model``).
"""
from __future__ import annotations

import math
import sys
from typing import Mapping, Sequence

from learnkit.core.compare import describe
from learnkit.core.problem import Incorrect, Unattempted
from learnkit.i18n import _
from learnkit.keras.history_log import seen_histories
from learnkit.keras.facts import ModelFacts, model_facts
from learnkit.keras.problems import other_model
from learnkit.keras.spec import LayerSpec, first_difference, input_shape_difference
from learnkit.keras.training import RunSpec, history_model

_MATCH, _STARTER = "match", "starter"


def _values(value) -> dict | None:
    """``{key: [float, ...]}`` for a dict or DataFrame of a run's values; None for anything else."""
    pd = sys.modules.get("pandas")  # a DataFrame can only exist if pandas was imported
    if pd is not None and isinstance(value, pd.DataFrame):
        value = {str(c): list(value[c]) for c in value.columns}
    if not isinstance(value, Mapping) or not value:
        return None
    out = {}
    for key, values in value.items():
        if isinstance(values, (str, bytes, Mapping)):
            return None
        try:
            out[str(key)] = [float(v) for v in values]
        except (TypeError, ValueError):
            return None
    return out if any(out.values()) else None


def _same(mine: list, seen) -> bool:
    if not isinstance(seen, list) or len(mine) != len(seen):
        return False
    for a, b in zip(mine, seen):
        try:
            b = float(b)
        except (TypeError, ValueError):
            return False
        if not (a == b or (math.isnan(a) and math.isnan(b))):
            return False
    return True


def remembered_models(values: Mapping) -> list[ModelFacts]:
    """The models of the remembered runs that hold ``values`` (each of its keys, with the same numbers)."""
    found = []
    for seen in seen_histories():
        facts = seen.model
        log = seen.history
        if isinstance(facts, ModelFacts) and isinstance(log, Mapping) \
                and all(k in log and _same(v, log[k]) for k, v in values.items()):
            found.append(facts)
    return found


def _judge(facts: ModelFacts, spec: RunSpec, starter) -> str | tuple[str, bool]:
    """_MATCH, _STARTER, or (message, attempt) for a model that is neither."""
    why = first_difference(facts, spec.layers, spec.input_shape) if spec.layers is not None else None
    if why is None and spec.params is not None and facts.params is not None and facts.params != spec.params:
        why = _("In all, your model has {have:,} parameters; it should have {want:,}.").format(
            have=facts.params, want=spec.params)
    if why is None:
        return _MATCH
    if starter is not None and first_difference(facts, starter) is None:
        return _STARTER
    if spec.input_shape is not None and facts.input_shape is not None \
            and input_shape_difference(facts.input_shape, spec.input_shape):
        return str(other_model(facts, spec.layers, spec.input_shape)), False  # another question's run, perhaps
    return why, True


def run_of(history, spec: RunSpec, what: str, name: str = "history",
           starter: Sequence[LayerSpec] | None = None):
    """``history`` itself if it is a run of ``spec``'s model, in any form (the module's rule).

    Raises ``Unattempted`` for a run of the untouched ``starter`` ("not {what} yet"), ``Incorrect``
    for a run of another model or one that cannot be tied to a model, and ``NotAHistory`` (an
    ``Incorrect``) for something that is not a run at all.
    """
    values = _values(history)
    if values is None:
        models = [model_facts(history_model(history, name), name=name)]  # NotAHistory unless a fitted History
    else:
        models = remembered_models(values)
        if not models:
            raise Incorrect(_("`{name}` holds only the values of a training run ({actual}); that does not say which "
                              "model was trained, and no run of this notebook gave these values: keep what fit "
                              "returns, `{name} = model.fit(...)`, and run the training cell again.").format(
                name=name, actual=describe(history)), attempt=False)
    outcomes = [_judge(facts, spec, starter) for facts in models]
    if all(o == _MATCH for o in outcomes):
        return history
    if _MATCH in outcomes:
        raise Incorrect(_("`{name}` holds only the values of a training run ({actual}); that does not say which "
                          "model was trained, and runs of several models in this notebook gave exactly these "
                          "values: keep what fit returns, `{name} = model.fit(...)`, and run the training cell "
                          "again.").format(name=name, actual=describe(history)), attempt=False)
    last = outcomes[-1]  # the latest run with these values
    if isinstance(last, str):  # _STARTER (a _MATCH never gets here)
        raise Unattempted(_("`{name}` does not come from {what} yet: build it, then run the training cell.").format(
            name=name, what=what))
    why, attempt = last
    raise Incorrect(_("`{name}` does not come from {what}. {why} Fix the model, then run the training cell "
                      "again.").format(name=name, what=what, why=why), attempt=attempt)
