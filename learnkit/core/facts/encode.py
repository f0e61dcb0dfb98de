"""Encoding (kernel side): live values -> a tagged JSON tree (see ``learnkit.core.facts``)."""
from __future__ import annotations

import base64
import dataclasses
import math
import sys
from typing import Any

import numpy as np

from learnkit.core.facts.schema import (_DATACLASSES, _ENCODERS, MAX_ARRAY_BYTES, MAX_DEPTH, MAX_INT_DIGITS, MAX_ITEMS,
                                        MAX_PARAMS, MAX_STRING)


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
    return {"$t": "fn", "ref": n, "name": str(name)[:100], "blank": blank, "params": _parameters(fn)}


def _parameters(fn) -> list[str]:
    """The names of the function's positional parameters (messages name a changed argument by them)."""
    import inspect
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name[:100] for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)][:MAX_PARAMS]
