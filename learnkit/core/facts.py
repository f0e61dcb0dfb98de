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

import base64
import contextlib
import dataclasses
import io
import json
import math
import re
import warnings
from typing import Any, Callable

import numpy as np

MAX_DEPTH = 24
MAX_ITEMS = 200_000           # container items and array elements of object arrays, per tree
MAX_ARRAY_BYTES = 64 << 20    # numeric array bytes, per tree
MAX_STRING = 1 << 20          # characters of one string
MAX_INT_DIGITS = 200
_DTYPE = re.compile(r"^[<>|=]?[biufc][1-9][0-9]?$")


class MalformedFacts(ValueError):
    """The facts a kernel sent do not follow the schema (or exceed a size cap)."""


class FactMissing(RuntimeError):
    """The check asked for something (a call's result) that the kernel's facts do not contain."""


class StudentTimeout(Exception):
    """A student function or model did not return within its time limit (a recorded outcome)."""


# --------------------------------------------------------------------------- registries
_ENCODERS: list[tuple[Callable[[Any], bool], Callable]] = []   # (matches(value), encode(value, enc) -> node)
_DECODERS: dict[str, Callable] = {}                             # tag -> decode(node, dec) -> value
_DATACLASSES: dict[str, type] = {}
_CONTEXT: dict[str, tuple[Callable[[], Any], Callable[[Any], Any]]] = {}


def register(tag: str, matches: Callable[[Any], bool], encode: Callable, decode: Callable) -> None:
    """Teach the encoder a kind of live object (checked before the generic kinds)."""
    _ENCODERS.insert(0, (matches, encode))
    _DECODERS[tag] = decode


def register_dataclass(cls: type) -> type:
    _DATACLASSES[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return cls


def register_context(name: str, collect: Callable[[], Any], install: Callable[[Any], Any]) -> None:
    """Kernel-wide facts that are not variables (e.g. every History the notebook has held).

    ``collect()`` returns live values to encode; ``install(value)`` makes the decoded value the
    one checks see and returns a callable that undoes it.
    """
    _CONTEXT[name] = (collect, install)


# --------------------------------------------------------------------------- opaque values
class Opaque:
    """A value of a kind facts do not describe: only its type name and a description travel."""

    __slots__ = ("type_name", "text")

    def __init__(self, type_name: str, text: str):
        self.type_name, self.text = type_name, text

    def __repr__(self) -> str:
        return self.text

    def fact_description(self) -> str:
        return self.text


_OPAQUE_TYPES: dict[str, type] = {}


def opaque(type_name: str, text: str) -> Opaque:
    """An ``Opaque`` whose ``type(x).__name__`` is the original type's name (messages say 'a Line2D')."""
    name = type_name if type_name.isidentifier() else "object"
    cls = _OPAQUE_TYPES.get(name)
    if cls is None:
        cls = _OPAQUE_TYPES[name] = type(name, (Opaque,), {"__slots__": ()})
    return cls(type_name, text)


# --------------------------------------------------------------------------- encoding (kernel side)
class Encoder:
    """Encodes live values; the same object encountered twice becomes a reference."""

    def __init__(self):
        self.refs: dict[int, int] = {}
        self.live: dict[int, Any] = {}   # ref -> live object (kernel side only)
        self.items = 0
        self.bytes = 0
        self.callable = False  # something a check may call (a function, a model) was encoded

    def ref(self, value) -> tuple[int, bool]:
        key = id(value)
        if key in self.refs:
            return self.refs[key], True
        n = self.refs[key] = len(self.refs) + 1
        self.live[n] = value
        return n, False

    def count(self, n: int = 1) -> bool:
        self.items += n
        return self.items <= MAX_ITEMS

    def __call__(self, value, depth: int = 0):
        if depth > MAX_DEPTH:
            return _opaque_node(value, "nested too deeply")
        if value is None or isinstance(value, (bool, str)):
            if isinstance(value, str) and len(value) > MAX_STRING:
                return _opaque_node(value, f"a string of {len(value):,} characters")
            return value
        if type(value) is int:
            return int(value) if len(str(value)) <= MAX_INT_DIGITS else _opaque_node(value, "a huge integer")
        if isinstance(value, float) and type(value) is float:
            return value if math.isfinite(value) else {"$t": "float", "v": repr(value)}
        for matches, encode in _ENCODERS:
            try:
                hit = matches(value)
            except Exception:
                hit = False
            if hit:
                try:
                    return encode(value, self, depth + 1)
                except Exception as e:  # a half-built or broken object: describe what can be
                    return _opaque_node(value, f"{type(value).__name__} that could not be read ({type(e).__name__})")
        return _generic(value, self, depth + 1)


def _opaque_node(value, why: str = "") -> dict:
    from learnkit.core.compare import describe
    try:
        text = why or describe(value)
    except Exception:
        text = "an object"
    return {"$t": "opaque", "type": type(value).__name__[:100], "text": str(text)[:300]}


def _generic(value, enc: Encoder, depth: int):
    from learnkit.core.placeholder import PLACEHOLDER
    if value is PLACEHOLDER:  # (inside containers too: checks look for it in the decoded values)
        return {"$t": "blank"}
    if isinstance(value, np.generic) and value.dtype.kind in "biufc":
        return {"$t": "np", "dtype": value.dtype.str, "b64": base64.b64encode(value.tobytes()).decode()}
    if isinstance(value, float):  # a float subclass
        return enc(float(value), depth)
    if isinstance(value, int) and not isinstance(value, bool):
        return enc(int(value), depth)
    if isinstance(value, np.ndarray):
        return _encode_array(value, enc, depth)
    if isinstance(value, (list, tuple, set, frozenset)):
        if not enc.count(len(value)):
            return _opaque_node(value, f"a {type(value).__name__} too large to report")
        tag = "list" if isinstance(value, list) else "tuple" if isinstance(value, tuple) else "set"
        items = list(value) if tag != "set" else sorted(value, key=repr)
        return {"$t": tag, "v": [enc(v, depth) for v in items]}
    if isinstance(value, dict):
        if not enc.count(len(value)):
            return _opaque_node(value, "a dict too large to report")
        return {"$t": "dict", "v": [[enc(k, depth), enc(v, depth)] for k, v in list(value.items())]}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = f"{type(value).__module__}.{type(value).__qualname__}"
        if name in _DATACLASSES:
            return {"$t": "dc", "cls": name,
                    "v": {f.name: enc(getattr(value, f.name), depth) for f in dataclasses.fields(value)}}
    pd = _pandas()
    if pd is not None and isinstance(value, (pd.DataFrame, pd.Series)):
        return _encode_pandas(value, enc, depth, pd)
    if callable(value) and not isinstance(value, type):
        return _encode_function(value, enc)
    module = type(value).__module__ or ""
    if module.split(".")[0] in ("tensorflow", "jax", "jaxlib", "keras", "torch") and hasattr(value, "__array__"):
        try:
            return _encode_array(np.asarray(value), enc, depth)
        except Exception:
            pass
    return _opaque_node(value)


def _pandas():
    import sys
    return sys.modules.get("pandas")


def _encode_array(a: np.ndarray, enc: Encoder, depth: int):
    if a.dtype.kind in "biufc":
        enc.bytes += a.nbytes
        if enc.bytes > MAX_ARRAY_BYTES:
            return _opaque_node(a, f"an array of shape {a.shape} too large to report")
        a = np.ascontiguousarray(a)
        return {"$t": "nd", "dtype": a.dtype.str, "shape": list(a.shape),
                "b64": base64.b64encode(a.tobytes()).decode()}
    if not enc.count(a.size):
        return _opaque_node(a, f"an array of shape {a.shape} too large to report")
    return {"$t": "ndo", "shape": list(a.shape), "v": [enc(v, depth) for v in a.ravel().tolist()]}


def _encode_pandas(value, enc: Encoder, depth: int, pd):
    if isinstance(value, pd.Series):
        return {"$t": "series", "name": enc(value.name if isinstance(value.name, (str, int, float)) else None, depth),
                "index": _encode_array(np.asarray(value.index), enc, depth),
                "values": _encode_array(np.asarray(value), enc, depth)}
    return {"$t": "df", "columns": [enc(c if isinstance(c, (str, int, float)) else str(c), depth) for c in value.columns],
            "index": _encode_array(np.asarray(value.index), enc, depth),
            "data": [_encode_array(np.asarray(value.iloc[:, i]), enc, depth) for i in range(value.shape[1])]}


def _encode_function(fn, enc: Encoder):
    from learnkit.core.placeholder import uses_blank
    n, seen = enc.ref(fn)
    enc.callable = True
    if seen:
        return {"$t": "ref", "ref": n}
    try:
        blank = bool(uses_blank(fn))
    except Exception:
        blank = False
    name = getattr(fn, "__name__", None) or type(fn).__name__
    return {"$t": "fn", "ref": n, "name": str(name)[:100], "blank": blank}


# --------------------------------------------------------------------------- decoding (untrusted)
class Decoder:
    """Rebuilds values from a tree. ``live`` (kernel side) maps refs to the live objects."""

    def __init__(self, calls: dict | None = None, live: dict | None = None, runner=None):
        self.objects: dict[int, Any] = {}
        self.calls = calls if calls is not None else {}
        self.live = live or {}
        self.runner = runner
        self.items = 0
        self.bytes = 0

    def count(self, n: int = 1) -> None:
        self.items += n
        if self.items > MAX_ITEMS * 2:
            raise MalformedFacts("too many items")

    def remember(self, node: dict, obj):
        self.objects[_int(node, "ref")] = obj
        return obj

    def __call__(self, node, depth: int = 0):
        if depth > MAX_DEPTH + 4:
            raise MalformedFacts("nested too deeply")
        if node is None or isinstance(node, (bool, float)):
            return node
        if isinstance(node, int):
            if len(str(node)) > MAX_INT_DIGITS:
                raise MalformedFacts("integer too large")
            return node
        if isinstance(node, str):
            if len(node) > MAX_STRING:
                raise MalformedFacts("string too long")
            return node
        if not isinstance(node, dict) or not isinstance(node.get("$t"), str):
            raise MalformedFacts(f"unexpected node {type(node).__name__}")
        tag = node["$t"]
        if tag == "ref":
            n = _int(node, "ref")
            if n not in self.objects:
                raise MalformedFacts(f"reference {n} before its object")
            return self.objects[n]
        decode = _BUILTIN_DECODERS.get(tag) or _DECODERS.get(tag)
        if decode is None:
            raise MalformedFacts(f"unknown kind {tag[:40]!r}")
        self.count()
        return decode(node, self, depth + 1)


def _int(node: dict, key: str) -> int:
    v = node.get(key)
    if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v < 10**9:
        raise MalformedFacts(f"bad {key}")
    return v


def _list(node: dict, key: str) -> list:
    v = node.get(key)
    if not isinstance(v, list):
        raise MalformedFacts(f"bad {key}")
    return v


def _str(node: dict, key: str, limit: int = 300) -> str:
    v = node.get(key)
    if not isinstance(v, str) or len(v) > limit:
        raise MalformedFacts(f"bad {key}")
    return v


def _decode_array(node, dec: Decoder, depth: int):
    dtype = _str(node, "dtype", 8)
    if not _DTYPE.match(dtype):
        raise MalformedFacts(f"dtype {dtype!r} not allowed")
    shape = _list(node, "shape")
    if len(shape) > 32 or not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d < 2**40 for d in shape):
        raise MalformedFacts("bad shape")
    dt = np.dtype(dtype)
    size = math.prod(shape)
    dec.bytes += size * dt.itemsize
    if dec.bytes > MAX_ARRAY_BYTES:
        raise MalformedFacts("arrays too large")
    try:
        raw = base64.b64decode(_str(node, "b64", 4 * MAX_ARRAY_BYTES // 3 + 8), validate=True)
    except ValueError:  # binascii.Error
        raise MalformedFacts("array data is not base64") from None
    if len(raw) != size * dt.itemsize:
        raise MalformedFacts("array data does not match its shape")
    return np.frombuffer(raw, dtype=dt).reshape(shape).copy()


def _decode_object_array(node, dec: Decoder, depth: int):
    shape = _list(node, "shape")
    values = [dec(v, depth) for v in _list(node, "v")]
    if not all(isinstance(d, int) and d >= 0 for d in shape) or math.prod(shape) != len(values):
        raise MalformedFacts("object array does not match its shape")
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out.reshape(shape)


def _decode_scalar(node, dec: Decoder, depth: int):
    a = _decode_array({"dtype": node.get("dtype"), "shape": [], "b64": node.get("b64")}, dec, depth)
    return a[()]


def _decode_float(node, dec, depth):
    v = _str(node, "v", 8)
    if v not in ("nan", "inf", "-inf"):
        raise MalformedFacts("bad float")
    return float(v)


def _decode_dict(node, dec, depth):
    out = {}
    for pair in _list(node, "v"):
        if not isinstance(pair, list) or len(pair) != 2:
            raise MalformedFacts("bad dict item")
        key = dec(pair[0], depth)
        try:
            hash(key)
        except TypeError:
            raise MalformedFacts("unhashable dict key") from None
        out[key] = dec(pair[1], depth)
    return out


def _decode_set(node, dec, depth):
    items = [dec(v, depth) for v in _list(node, "v")]
    try:
        return set(items)
    except TypeError:
        raise MalformedFacts("unhashable set item") from None


def _decode_dataclass(node, dec, depth):
    cls = _DATACLASSES.get(_str(node, "cls"))
    fields = node.get("v")
    if cls is None or not isinstance(fields, dict):
        raise MalformedFacts("unknown record kind")
    names = {f.name for f in dataclasses.fields(cls)}
    if set(fields) - names:
        raise MalformedFacts("unknown record field")
    try:
        return cls(**{k: dec(v, depth) for k, v in fields.items()})
    except TypeError as e:
        raise MalformedFacts(f"bad record: {e}") from None


def _decode_pandas_series(node, dec, depth):
    import pandas as pd
    name = dec(node.get("name"), depth)
    index, values = dec(node.get("index"), depth), dec(node.get("values"), depth)
    if not isinstance(index, np.ndarray) or not isinstance(values, np.ndarray) or index.shape != values.shape[:1]:
        raise MalformedFacts("bad series")
    return pd.Series(values, index=index, name=name)


def _decode_pandas_frame(node, dec, depth):
    import pandas as pd
    columns = [dec(c, depth) for c in _list(node, "columns")]
    data = [dec(d, depth) for d in _list(node, "data")]
    index = dec(node.get("index"), depth)
    if len(columns) != len(data) or not isinstance(index, np.ndarray) \
            or any(not isinstance(d, np.ndarray) or d.shape != index.shape for d in data):
        raise MalformedFacts("bad data frame")
    frame = pd.DataFrame({i: d for i, d in enumerate(data)}, index=index)
    frame.columns = columns
    return frame


def _decode_opaque(node, dec, depth):
    return opaque(_str(node, "type", 100), _str(node, "text", 400))


def _decode_blank(node, dec, depth):
    from learnkit.core.placeholder import PLACEHOLDER
    return PLACEHOLDER


def _decode_function(node, dec, depth):
    n = _int(node, "ref")
    live = dec.live.get(n)
    run = dec.runner or run_in_process
    fact = FunctionFact(_str(node, "name", 100), bool(node.get("blank")), dec.calls.setdefault(n, {}),
                        None if live is None else (lambda args, kwargs: run(live, args, kwargs)))
    return dec.remember(node, fact)


_BUILTIN_DECODERS: dict[str, Callable] = {
    "float": _decode_float, "list": lambda n, d, k: [d(v, k) for v in _list(n, "v")],
    "tuple": lambda n, d, k: tuple(d(v, k) for v in _list(n, "v")), "set": _decode_set, "dict": _decode_dict,
    "nd": _decode_array, "ndo": _decode_object_array, "np": _decode_scalar, "dc": _decode_dataclass,
    "series": _decode_pandas_series, "df": _decode_pandas_frame, "opaque": _decode_opaque, "blank": _decode_blank,
    "fn": _decode_function,
}


# --------------------------------------------------------------------------- calls
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


def _raise_recorded(outcome: dict):
    name = outcome.get("raised")
    message = outcome.get("message") if isinstance(outcome.get("message"), str) else ""
    if outcome.get("timeout") is not None:
        raise StudentTimeout(message)
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


class FunctionFact:
    """The student's function: answers each call from the kernel's record of it.

    Kernel side (``live_call`` set) a call not yet recorded is run for real (in grading: in a
    short-lived child process with time and memory limits) and recorded; grader side a call
    the kernel did not record raises ``FactMissing``.
    """

    def __init__(self, name: str, blank: bool, calls: dict, live_call: Callable | None = None):
        self.__name__ = self.__qualname__ = name
        self.blank = blank
        self.calls = calls
        self._live_call = live_call

    def __call__(self, *args, **kwargs):
        key = call_key(args, kwargs)
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
            _raise_recorded(outcome)
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


def run_in_process(fn, args: tuple, kwargs: dict) -> dict:
    """Call the live function here (the student's own kernel) and record the outcome."""
    import copy
    a, k = copy.deepcopy(args), copy.deepcopy(kwargs)
    try:
        with quietly():
            result = fn(*a, **k)
    except Exception as e:
        return {"raised": exception_name(e), "message": str(e)[:2000], "after": Encoder()((a, k))}
    return {"result": Encoder()(result), "after": Encoder()((a, k))}


# --------------------------------------------------------------------------- question facts
def encode_namespace(ns, names) -> tuple[dict, Encoder]:
    enc = Encoder()
    return {name: enc(ns[name]) for name in names if name in ns}, enc


def decode_namespace(tree, calls=None, live=None, runner=None) -> dict:
    """The variables of a question's facts; raises ``MalformedFacts``."""
    if not isinstance(tree, dict):
        raise MalformedFacts("facts are not a mapping")
    dec = Decoder(calls, live, runner)
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
        for name, node in self.tree.items():
            if name in _CONTEXT:
                value = Decoder()(node)
                self.undo.append(_CONTEXT[name][1](value))
        return self

    def __exit__(self, *exc):
        for undo in reversed(self.undo):
            try:
                undo()
            except Exception:
                pass
        return False
