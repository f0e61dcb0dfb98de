"""Keras models, histories and callbacks as facts (see ``learnkit.core.facts``).

A live model travels as its ``ModelFacts`` (layers, input shape, parameter counts, compile
settings, all read through the public Keras API); a History as its ``history`` dict,
``params`` and ``epoch`` list and its model; a callback as its ``CallbackFacts`` and the model
it last trained. Checks receive ``ModelFact``/``HistoryFact``/``CallbackFact`` objects: the
same model behind two histories is the same ``ModelFact`` (identity survives encoding), and
calling a ``ModelFact`` answers with the predictions the kernel recorded.

Matching never imports Keras: a value can only be a Keras object if Keras is in ``sys.modules``.
"""
from __future__ import annotations

import sys

from learnkit.core import facts as F
from learnkit.keras.facts import CallbackFacts, CompileFacts, LayerFacts, ModelFacts, callback_facts, model_facts

for _cls in (ModelFacts, LayerFacts, CompileFacts, CallbackFacts):
    F.register_dataclass(_cls)


def _keras():
    return sys.modules.get("keras")


def _isinstance(value, path: str) -> bool:
    keras = _keras()
    if keras is None:
        return False
    obj = keras
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return False
    return isinstance(value, obj)


class ModelFact(F.FunctionFact):
    """A Keras model as the kernel described it; calling it replays the recorded predictions."""

    def __init__(self, facts: ModelFacts, calls: dict, live_call=None, graph=None, schedule=None):
        super().__init__(facts.cls, False, calls, live_call)
        self.facts = facts
        self.graph = graph  # its GraphFacts (graph_facts.py), or None
        self.schedule = schedule  # its optimizer's learning rate as ScheduleFacts (schedules.py), or None

    def fact_description(self) -> str:
        from learnkit.i18n import _
        return _("a Keras {cls} model").format(cls=self.facts.cls)

    def __repr__(self) -> str:
        return f"<{self.facts.cls} model: {self.facts.summary()}>"


class HistoryFact:
    """What ``model.fit`` returned: ``history`` (key -> list of floats), ``params``, ``epoch``, ``model``."""

    def __init__(self, history: dict, params: dict, epoch: list, model: ModelFact | None):
        self.history, self.params, self.epoch, self.model = history, params, epoch, model

    def fact_description(self) -> str:
        from learnkit.i18n import _n
        return _n("a History of {n} epoch", "a History of {n} epochs", len(self.epoch)).format(n=len(self.epoch))

    def __repr__(self) -> str:
        return f"<History: {len(self.epoch)} epochs, keys {', '.join(map(str, self.history))}>"


class CallbackFact:
    """A Keras callback's settings (``facts``) and the model it last trained (``model``, or None)."""

    def __init__(self, facts: CallbackFacts, model: ModelFact | None):
        self.facts, self.model = facts, model

    def fact_description(self) -> str:
        from learnkit.i18n import _
        return _("a Keras {cls} callback").format(cls=self.facts.cls)


# ------------------------------------------------------------------ encoding (kernel side)
def _encode_model(model, enc: F.Encoder, depth: int):
    n, seen = enc.ref(model)
    enc.callable = True
    if seen:
        return {"$t": "ref", "ref": n}
    from learnkit.keras.graph_facts import graph_facts
    from learnkit.keras.schedules import schedule_facts
    extra = {}
    for key, read in (("graph", graph_facts), ("schedule", schedule_facts)):
        try:
            extra[key] = enc(read(model), depth)
        except Exception:  # what this cannot read: the checks that need it say so, the others go on
            extra[key] = None
    return {"$t": "keras.model", "ref": n, "facts": enc(model_facts(model), depth), **extra}


def _encode_history(history, enc: F.Encoder, depth: int):
    n, seen = enc.ref(history)
    if seen:
        return {"$t": "ref", "ref": n}
    log = {str(k): [_number(v) for v in values] if isinstance(values, (list, tuple)) else values
           for k, values in dict(getattr(history, "history", None) or {}).items()}
    params = {str(k): v for k, v in dict(getattr(history, "params", None) or {}).items()
              if isinstance(v, (int, float, str, bool))}
    model = getattr(history, "model", None)
    return {"$t": "keras.history", "ref": n, "history": enc(log, depth), "params": enc(params, depth),
            "epoch": enc([int(e) for e in list(getattr(history, "epoch", None) or [])], depth),
            "model": enc(model, depth) if model is not None else None}


def _encode_callback(cb, enc: F.Encoder, depth: int):
    n, seen = enc.ref(cb)
    if seen:
        return {"$t": "ref", "ref": n}
    model = getattr(cb, "model", None)
    return {"$t": "keras.callback", "ref": n, "facts": enc(callback_facts(cb), depth),
            "model": enc(model, depth) if model is not None and _isinstance(model, "Model") else None}


def _number(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return v


# ------------------------------------------------------------------ decoding (untrusted)
def _run_model(model, timeout: float | None):
    """Call a live model in this process, within ``timeout`` seconds (``facts.time_limit``). The limit
    stops Python code between operations; a single long operation inside TensorFlow/JAX (C code)
    only ends when it returns, so a model call can take longer than the limit."""
    def call(args, kwargs):
        import keras
        limit = F.time_limit(timeout)
        try:
            with limit:
                out = keras.ops.convert_to_numpy(model(*args, **kwargs))
        except F.CallTimeout:
            return F.timed_out(model, timeout)
        except Exception as e:
            if limit.expired:
                return F.timed_out(model, timeout)
            return {"raised": F.exception_name(e), "message": str(e)[:2000]}
        if limit.expired:
            return F.timed_out(model, timeout)
        return {"result": F.Encoder()(out)}
    return call


def _decode_model(node, dec: F.Decoder, depth: int):
    facts = dec(node.get("facts"), depth)
    if not isinstance(facts, ModelFacts):
        raise F.MalformedFacts("a model without its facts")
    from learnkit.keras.graph_facts import GraphFacts
    from learnkit.keras.schedules import ScheduleFacts
    graph, schedule = dec(node.get("graph"), depth), dec(node.get("schedule"), depth)
    if not (graph is None or isinstance(graph, GraphFacts)) or not (schedule is None or isinstance(schedule,
                                                                                                    ScheduleFacts)):
        raise F.MalformedFacts("a model with a bad graph or learning rate")
    n = F.int_field(node, "ref")
    live = dec.live.get(n)
    return dec.remember(node, ModelFact(facts, dec.calls.setdefault(n, {}),
                                        None if live is None else _run_model(live, dec.timeout), graph, schedule))


def _decode_history(node, dec: F.Decoder, depth: int):
    fact = dec.remember(node, HistoryFact({}, {}, [], None))
    log, params, epoch = dec(node.get("history"), depth), dec(node.get("params"), depth), dec(node.get("epoch"), depth)
    model = dec(node.get("model"), depth)
    if not isinstance(log, dict) or not isinstance(params, dict) or not isinstance(epoch, list) \
            or not (model is None or isinstance(model, ModelFact)):
        raise F.MalformedFacts("bad history")
    fact.history, fact.params, fact.epoch, fact.model = log, params, epoch, model
    return fact


def _decode_callback(node, dec: F.Decoder, depth: int):
    facts, model = dec(node.get("facts"), depth), dec(node.get("model"), depth)
    if not isinstance(facts, CallbackFacts) or not (model is None or isinstance(model, ModelFact)):
        raise F.MalformedFacts("bad callback")
    return dec.remember(node, CallbackFact(facts, model))


F.register("keras.model", lambda v: _isinstance(v, "Model"), _encode_model, _decode_model)
F.register("keras.history", lambda v: _isinstance(v, "callbacks.History"), _encode_history, _decode_history)
F.register("keras.callback", lambda v: _isinstance(v, "callbacks.Callback") and not _isinstance(v, "callbacks.History"),
           _encode_callback, _decode_callback)
