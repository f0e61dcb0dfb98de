"""Facts: plain data describing the student's objects, the only thing a grading kernel reports.

A question's facts are its variables encoded as a tagged JSON tree (numbers, strings, lists,
dicts, numpy arrays, DataFrames, and descriptions of Keras models, histories, callbacks and
matplotlib axes registered by other modules), plus what the student's functions and models
returned when the check called them. ``decode`` turns such a tree back into values a check
can read: plain data, numpy/pandas objects and *fact objects* (``FunctionFact``, and the Keras
ones in ``learnkit.keras.fact_types``) that answer calls from the recorded results.

The same path serves both worlds, so their messages cannot drift apart:

* in the student's kernel (``q_1.check()``, and the grading tracker after every cell)
  ``collect`` encodes the live values, decodes them with the live objects behind the fact
  objects, and runs the check once so every call it makes is executed and recorded;
* in the grader, which never runs student code, ``decode`` rebuilds the same values from the
  untrusted tree (schema and size checked: a malformed tree raises ``MalformedFacts``), and
  the grader's own checker judges them; a call the kernel did not report raises ``FactMissing``.

Decoding never imports or calls anything named by the data: tags map to a fixed table, and
dataclasses only to the classes registered with ``register_dataclass``.
"""
from __future__ import annotations

from learnkit.core.facts.calls import (FunctionFact, LiveCall, Swapped, call_key, exception_class,  # noqa: F401
                                       exception_name, quietly, run_in_process, seconds_text, swap_key, timed_out,
                                       timeout_message, raise_recorded)
from learnkit.core.facts.decode import Decoder, int_field, list_field, str_field  # noqa: F401
from learnkit.core.facts.encode import Encoder  # noqa: F401
from learnkit.core.facts.limit import (DEFAULT_CALL_TIMEOUT, CallTimeout, interrupts_deferred,  # noqa: F401
                                       time_limit)
from learnkit.core.facts.schema import (MAX_ARRAY_BYTES, MAX_DEPTH, MAX_ITEMS, MAX_STRING, FactMissing,  # noqa: F401
                                        MalformedFacts, Opaque, StudentTimeout, _CONTEXT, opaque, register,
                                        register_context, register_dataclass)


def encode_namespace(ns, names) -> tuple[dict, Encoder]:
    enc = Encoder()
    return {name: enc(ns[name]) for name in names if name in ns}, enc


def decode_namespace(tree, calls=None, live=None, runner=None, timeout: float | None = None) -> dict:
    """The variables of a question's facts; raises ``MalformedFacts``. Kernel side, ``timeout`` is the
    time limit of each call of a live function (default ``DEFAULT_CALL_TIMEOUT``)."""
    if not isinstance(tree, dict):
        raise MalformedFacts("facts are not a mapping")
    dec = Decoder(calls, live, runner, timeout)
    out = {}
    for name, node in tree.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise MalformedFacts("bad variable name")
        out[name] = dec(node)
    return out


def clean_calls(raw) -> dict:
    """Validate the call records of a question's facts: {ref: {key: outcome}}."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise MalformedFacts("bad calls")
    out = {}
    for ref, records in raw.items():
        try:
            n = int(ref)
        except (TypeError, ValueError):
            raise MalformedFacts("bad call reference") from None
        if not isinstance(records, dict) or not all(isinstance(k, str) and isinstance(v, dict)
                                                    for k, v in records.items()):
            raise MalformedFacts("bad call records")
        out[n] = dict(records)
    return out


def as_fact(value):
    """A live value as checks see it (decoded from its own facts, calls executed here)."""
    tree, enc = encode_namespace({"v": value}, ["v"])
    return decode_namespace(tree, {}, enc.live)["v"]


def collect_context() -> dict:
    enc = Encoder()
    out = {}
    for name, (collect, _install) in _CONTEXT.items():
        try:
            out[name] = enc(collect())
        except Exception:
            continue
    return out


class installed_context:
    """``with installed_context(tree):`` checks see the decoded context (restored afterwards)."""

    def __init__(self, tree):
        self.tree = tree if isinstance(tree, dict) else {}
        self.undo: list = []

    def __enter__(self):
        try:
            for name, node in self.tree.items():
                if name in _CONTEXT:
                    value = Decoder()(node)
                    self.undo.append(_CONTEXT[name][1](value))
        except BaseException:  # __exit__ will not run: undo what was installed before the failure
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        with interrupts_deferred():  # Ctrl-C here would leave part of the context installed
            while self.undo:
                try:
                    self.undo.pop()()
                except Exception:
                    pass
        return False
