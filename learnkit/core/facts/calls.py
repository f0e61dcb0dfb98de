"""Calls of the student's functions and models: recorded in the kernel, replayed in the grader."""
from __future__ import annotations

import contextlib
import io
import json
import warnings
from typing import Callable

import numpy as np

from learnkit.core.facts.decode import _BUILTIN_DECODERS, Decoder, int_field, str_field
from learnkit.core.facts.encode import Encoder
from learnkit.core.facts.limit import DEFAULT_CALL_TIMEOUT, CallTimeout, interrupts_deferred, time_limit
from learnkit.core.facts.schema import MAX_PARAMS, FactMissing, MalformedFacts, StudentTimeout


def call_key(args: tuple, kwargs: dict) -> str:
    """A canonical text for a call's arguments (the same in the kernel and in the grader)."""
    return json.dumps(Encoder()((tuple(args), dict(kwargs))), sort_keys=True, separators=(",", ":"))


_EXCEPTION_MODULES = ("builtins", "numpy", "pandas", "keras", "tensorflow", "jax", "learnkit")
_EXCEPTION_TYPES: dict[str, type] = {}


def exception_name(e: BaseException) -> str:
    return f"{type(e).__module__}.{type(e).__qualname__}"


def exception_class(name: str) -> type:
    """The class of a recorded exception: the real one when its module is already loaded here and is
    one that checks compare with (builtins, numpy, ...); else a stand-in of the same name, one per name.
    Nothing is imported."""
    import sys
    module, _, qualname = name.rpartition(".")
    cls = None
    if module.split(".")[0] in _EXCEPTION_MODULES and module in sys.modules:
        cls = sys.modules[module]
        for part in qualname.split("."):
            cls = getattr(cls, part, None) if part.isidentifier() else None
    if isinstance(cls, type) and issubclass(cls, Exception):
        return cls
    short = qualname.rsplit(".", 1)[-1] if qualname.rsplit(".", 1)[-1].isidentifier() else "Exception"
    return _EXCEPTION_TYPES.setdefault(name, type(short, (Exception,), {}))


def seconds_text(seconds: float) -> str:
    return f"{seconds:g}"


def timeout_message(name: str, seconds: float | None) -> str:
    from learnkit.i18n import _
    if seconds is None:
        return _("`{name}(…)` did not return within its time limit.").format(name=name)
    return _("`{name}(…)` did not return within {seconds} s.").format(name=name, seconds=seconds_text(seconds))


def raise_recorded(outcome: dict, fn_name: str = "the function"):
    name = outcome.get("raised")
    message = outcome.get("message") if isinstance(outcome.get("message"), str) else ""
    if outcome.get("timeout") is not None:
        seconds = outcome["timeout"]
        ok = isinstance(seconds, (int, float)) and not isinstance(seconds, bool) and 0 < seconds < 1e6
        seconds = float(seconds) if ok else None
        raise StudentTimeout(timeout_message(fn_name, seconds), fn_name, seconds)
    if not isinstance(name, str) or len(name) > 300:
        raise MalformedFacts("bad recorded exception")
    cls = exception_class(name if "." in name else "builtins." + name)
    try:
        error = cls(message)
    except Exception:
        error = exception_class("student." + cls.__name__)(message)
    raise error


def _apply_after(args: tuple, kwargs: dict, after) -> None:
    """Repeat on the caller's arguments the in-place changes the student's function made."""
    if not isinstance(after, (list, tuple)) or len(after) != 2:
        return
    for old, new in list(zip(args, after[0])) + [(kwargs[k], v) for k, v in after[1].items() if k in kwargs]:
        _update(old, new)


def _update(old, new) -> None:
    try:
        if isinstance(old, np.ndarray) and isinstance(new, np.ndarray) and old.shape == new.shape:
            if not np.array_equal(old, new, equal_nan=old.dtype.kind in "fc"):
                np.copyto(old, new, casting="unsafe")
        elif isinstance(old, dict) and isinstance(new, dict):
            for k in list(old):
                if k in new:
                    if isinstance(old[k], (np.ndarray, dict, list)) and type(old[k]) is type(new[k]):
                        _update(old[k], new[k])
                    elif not _same(old[k], new[k]):
                        old[k] = new[k]
                else:
                    del old[k]
            for k in new:
                if k not in old:
                    old[k] = new[k]
        elif isinstance(old, list) and isinstance(new, list) and not _same(old, new):
            old[:] = new
    except Exception:
        pass


def _same(a, b) -> bool:
    try:
        return call_key((a,), {}) == call_key((b,), {})
    except Exception:
        return False


class Swapped:
    """The student's function ``fn`` called with some of the globals it reads replaced, for the
    duration of the call, by the checker's functions (``{"sigmoid": reference.sigmoid}``): does
    ``feed_forward`` work with a correct ``sigmoid``? The student's global is put back afterwards,
    whatever happens (Ctrl-C waits for it). A function without globals (a builtin, a numpy ufunc)
    is called as it is. Closures and default arguments that captured the function are not swapped.
    """

    def __init__(self, fn, replacements: dict):
        self.fn, self.replacements = fn, dict(replacements)
        self.__name__ = getattr(fn, "__name__", "the function")

    @contextlib.contextmanager
    def installed(self):
        g = getattr(self.fn, "__globals__", None)
        if not isinstance(g, dict):
            yield
            return
        saved = {}
        try:
            with interrupts_deferred():
                for name, replacement in self.replacements.items():
                    saved[name] = g.get(name, _MISSING)
                    g[name] = replacement
            yield
        finally:
            with interrupts_deferred():
                for name, old in saved.items():
                    if old is _MISSING:
                        g.pop(name, None)
                    else:
                        g[name] = old

    def __call__(self, *args, **kwargs):
        with self.installed():
            return self.fn(*args, **kwargs)


_MISSING = object()


def swap_key(replacements: dict) -> str:
    """The prefix of a swapped function's call records: the same in the kernel and in the grader
    (the replacements are checker functions, named by module and qualified name)."""
    parts = [f"{name}={getattr(r, '__module__', '')}.{getattr(r, '__qualname__', type(r).__name__)}"
             for name, r in sorted(replacements.items())]
    return "swap[" + ",".join(parts) + "]"


class LiveCall:
    """Kernel side: how a fact runs a call not yet recorded, ``run(fn, args, kwargs, timeout=…)``."""

    def __init__(self, fn, run: Callable, timeout: float | None):
        self.fn, self.run, self.timeout = fn, run, timeout

    def __call__(self, args: tuple, kwargs: dict) -> dict:
        return self.run(self.fn, args, kwargs, timeout=self.timeout)

    def swapped(self, replacements: dict) -> "LiveCall":
        return LiveCall(Swapped(self.fn, replacements), self.run, self.timeout)


class FunctionFact:
    """The student's function: answers each call from the kernel's record of it.

    Kernel side (``live_call`` set) a call not yet recorded is run for real (in grading: in a
    short-lived child process with time and memory limits) and recorded; grader side a call
    the kernel did not record raises ``FactMissing``. ``swapped`` gives the same function with
    some of its globals replaced by checker functions (see ``Swapped``): its calls are recorded
    beside the plain ones, under their own keys.
    """

    def __init__(self, name: str, blank: bool, calls: dict, live_call: Callable | None = None,
                 params: tuple[str, ...] = (), prefix: str = ""):
        self.__name__ = self.__qualname__ = name
        self.blank = blank
        self.calls = calls
        self.params = params  # the names of its positional parameters, as the kernel reported them
        self._live_call = live_call
        self._prefix = prefix

    def swapped(self, replacements: dict) -> "FunctionFact":
        live = self._live_call
        if live is not None:
            make = getattr(live, "swapped", None)
            live = make(replacements) if make is not None else live  # nothing to swap (a model): the same calls
        return FunctionFact(self.__name__, self.blank, self.calls, live, self.params,
                            self._prefix + swap_key(replacements))

    def __call__(self, *args, **kwargs):
        key = self._prefix + call_key(args, kwargs)
        outcome = self.calls.get(key)
        if outcome is None:
            if self._live_call is None:
                raise FactMissing(f"the kernel did not report what `{self.__name__}` returned for these inputs")
            outcome = self.calls[key] = self._live_call(args, kwargs)
        if not isinstance(outcome, dict):
            raise MalformedFacts("bad call record")
        if "after" in outcome:
            _apply_after(args, kwargs, Decoder()(outcome["after"]))
        if "raised" in outcome or "timeout" in outcome:
            raise_recorded(outcome, self.__name__)
        return Decoder()(outcome.get("result"))

    def __repr__(self) -> str:
        return f"<function {self.__name__}>"

    def fact_description(self) -> str:
        from learnkit.i18n import _
        return _("the function {name}").format(name=self.__name__)


@contextlib.contextmanager
def quietly():
    """Silence printing and numpy/Python warnings of student code run by a check."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
            warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


def timed_out(fn, seconds: float | None) -> dict:
    """The record of a call that ran past its limit of ``seconds`` (None: the limit was not known)."""
    name = getattr(fn, "__name__", "the function")
    within = f"within {seconds_text(seconds)} s" if seconds is not None else "in time"
    return {"timeout": seconds if seconds is not None else 0.0, "message": f"`{name}(…)` did not return {within}"}


@contextlib.contextmanager
def kept_state(fn):
    """Put back, after a call of the student's ``fn`` in this process, the state it may change that a
    forked child would have left alone: the names bound in its module's globals (the notebook's
    namespace: a ``global`` statement, a swapped function) and the global random generators of Python
    and numpy (Keras draws its default initialiser seeds from Python's, so the notebook's next models
    get the weights they would have got without the check). Objects the call mutated in place (a
    global list it appended to) and other libraries' state (Keras' automatic layer names) are not put
    back. Ctrl-C waits for the restoring (``interrupts_deferred``)."""
    import random
    g = getattr(fn, "__globals__", None)
    names = dict(g) if isinstance(g, dict) else None
    py_random, np_random = random.getstate(), np.random.get_state()
    try:
        yield
    finally:
        with interrupts_deferred():
            if names is not None and isinstance(g, dict):
                for name in [n for n in g if n not in names]:
                    del g[name]
                for name, value in names.items():
                    if g.get(name, _MISSING) is not value:
                        g[name] = value
            random.setstate(py_random)
            np.random.set_state(np_random)


def run_in_process(fn, args: tuple, kwargs: dict, timeout: float | None = DEFAULT_CALL_TIMEOUT) -> dict:
    """Call the live function here (the student's own kernel) and record the outcome.

    The call gets ``timeout`` seconds (``learnkit.core.facts.limit.time_limit``: only in the main
    thread, and C code such as a long numpy operation is only stopped when it returns); ``None``:
    no limit (the forked child of a grading kernel, which its parent kills at the limit). Ctrl-C
    (``KeyboardInterrupt``) is not an outcome: it goes on up to the check. What the call changes
    of the process's state is put back afterwards (``kept_state``), as a forked child leaves it.
    """
    import copy
    a, k = copy.deepcopy(args), copy.deepcopy(kwargs)
    limit = time_limit(timeout)
    swap, call = (fn.installed(), fn.fn) if isinstance(fn, Swapped) else (contextlib.nullcontext(), fn)
    try:
        with kept_state(call), swap, quietly(), limit:  # state is put back after the alarm is off
            result = call(*a, **k)
    except CallTimeout:
        return timed_out(fn, timeout)
    except Exception as e:
        if limit.expired:
            return timed_out(fn, timeout)
        return {"raised": exception_name(e), "message": str(e)[:2000], "after": Encoder()((a, k))}
    if limit.expired:
        return timed_out(fn, timeout)
    return {"result": Encoder()(result), "after": Encoder()((a, k))}


def _decode_function(node, dec, depth):
    n = int_field(node, "ref")
    live = dec.live.get(n)
    run = dec.runner or run_in_process
    fact = FunctionFact(str_field(node, "name", 100), bool(node.get("blank")), dec.calls.setdefault(n, {}),
                        None if live is None else LiveCall(live, run, dec.timeout), _parameters(node))
    return dec.remember(node, fact)


def _parameters(node) -> tuple[str, ...]:
    params = node.get("params", [])
    if not isinstance(params, list) or len(params) > MAX_PARAMS \
            or not all(isinstance(p, str) and p.isidentifier() and len(p) <= 100 for p in params):
        raise MalformedFacts("bad parameter names")
    return tuple(params)


_BUILTIN_DECODERS["fn"] = _decode_function
