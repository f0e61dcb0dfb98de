"""Decoding (grader side, untrusted input): a tagged JSON tree -> values (see ``learnkit.core.facts``).

Every node is checked: known tags only, sizes and depth capped, dtypes from an allow-list,
dataclasses only of registered classes. Nothing named by the data is imported or called.
"""
from __future__ import annotations

import base64
import dataclasses
import math
from typing import Any, Callable

import numpy as np

from learnkit.core.facts.schema import (_DATACLASSES, _DECODERS, _DTYPE, MAX_ARRAY_BYTES, MAX_DEPTH, MAX_INT_DIGITS,
                                        MAX_ITEMS, MAX_STRING, MalformedFacts, opaque)


class Decoder:
    """Rebuilds values from a tree. ``live`` (kernel side) maps refs to the live objects; their calls
    are run by ``runner(fn, args, kwargs, timeout=timeout)`` (default ``run_in_process``)."""

    def __init__(self, calls: dict | None = None, live: dict | None = None, runner=None,
                 timeout: float | None = None):
        from learnkit.core.facts.limit import DEFAULT_CALL_TIMEOUT
        self.objects: dict[int, Any] = {}
        self.calls = calls if calls is not None else {}
        self.live = live or {}
        self.runner = runner
        self.timeout = DEFAULT_CALL_TIMEOUT if timeout is None else timeout
        self.items = 0
        self.bytes = 0

    def count(self, n: int = 1) -> None:
        self.items += n
        if self.items > MAX_ITEMS * 2:
            raise MalformedFacts("too many items")

    def remember(self, node: dict, obj):
        self.objects[int_field(node, "ref")] = obj
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
            n = int_field(node, "ref")
            if n not in self.objects:
                raise MalformedFacts(f"reference {n} before its object")
            return self.objects[n]
        decode = _BUILTIN_DECODERS.get(tag) or _DECODERS.get(tag)
        if decode is None:
            raise MalformedFacts(f"unknown kind {tag[:40]!r}")
        self.count()
        return decode(node, self, depth + 1)


def int_field(node: dict, key: str) -> int:
    """``node[key]``, a non-negative int below 10**9 (else ``MalformedFacts``)."""
    v = node.get(key)
    if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v < 10**9:
        raise MalformedFacts(f"bad {key}")
    return v


def list_field(node: dict, key: str) -> list:
    """``node[key]``, a list (else ``MalformedFacts``)."""
    v = node.get(key)
    if not isinstance(v, list):
        raise MalformedFacts(f"bad {key}")
    return v


def str_field(node: dict, key: str, limit: int = 300) -> str:
    """``node[key]``, a string of at most ``limit`` characters (else ``MalformedFacts``)."""
    v = node.get(key)
    if not isinstance(v, str) or len(v) > limit:
        raise MalformedFacts(f"bad {key}")
    return v


def _decode_array(node, dec: Decoder, depth: int):
    dtype = str_field(node, "dtype", 8)
    if not _DTYPE.match(dtype):
        raise MalformedFacts(f"dtype {dtype!r} not allowed")
    shape = list_field(node, "shape")
    if len(shape) > 32 or not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d < 2**40 for d in shape):
        raise MalformedFacts("bad shape")
    dt = np.dtype(dtype)
    size = math.prod(shape)
    dec.bytes += size * dt.itemsize
    if dec.bytes > MAX_ARRAY_BYTES:
        raise MalformedFacts("arrays too large")
    try:
        raw = base64.b64decode(str_field(node, "b64", 4 * MAX_ARRAY_BYTES // 3 + 8), validate=True)
    except ValueError:  # binascii.Error
        raise MalformedFacts("array data is not base64") from None
    if len(raw) != size * dt.itemsize:
        raise MalformedFacts("array data does not match its shape")
    return np.frombuffer(raw, dtype=dt).reshape(shape).copy()


def _decode_object_array(node, dec: Decoder, depth: int):
    shape = list_field(node, "shape")
    values = [dec(v, depth) for v in list_field(node, "v")]
    if not all(isinstance(d, int) and d >= 0 for d in shape) or math.prod(shape) != len(values):
        raise MalformedFacts("object array does not match its shape")
    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):  # one by one: numpy would ask each value for its length (____ refuses)
        out[i] = v
    return out.reshape(shape)


def _decode_scalar(node, dec: Decoder, depth: int):
    a = _decode_array({"dtype": node.get("dtype"), "shape": [], "b64": node.get("b64")}, dec, depth)
    return a[()]


def _decode_float(node, dec, depth):
    v = str_field(node, "v", 8)
    if v not in ("nan", "inf", "-inf"):
        raise MalformedFacts("bad float")
    return float(v)


def _decode_dict(node, dec, depth):
    out = {}
    for pair in list_field(node, "v"):
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
    items = [dec(v, depth) for v in list_field(node, "v")]
    try:
        return set(items)
    except TypeError:
        raise MalformedFacts("unhashable set item") from None


def _decode_dataclass(node, dec, depth):
    cls = _DATACLASSES.get(str_field(node, "cls"))
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
    columns = [dec(c, depth) for c in list_field(node, "columns")]
    data = [dec(d, depth) for d in list_field(node, "data")]
    index = dec(node.get("index"), depth)
    if len(columns) != len(data) or not isinstance(index, np.ndarray) \
            or any(not isinstance(d, np.ndarray) or d.shape != index.shape for d in data):
        raise MalformedFacts("bad data frame")
    frame = pd.DataFrame({i: d for i, d in enumerate(data)}, index=index)
    frame.columns = columns
    return frame


def _decode_opaque(node, dec, depth):
    return opaque(str_field(node, "type", 100), str_field(node, "text", 400))


def _decode_blank(node, dec, depth):
    from learnkit.core.placeholder import PLACEHOLDER
    return PLACEHOLDER


_BUILTIN_DECODERS: dict[str, Callable] = {
    "float": _decode_float, "list": lambda n, d, k: [d(v, k) for v in list_field(n, "v")],
    "tuple": lambda n, d, k: tuple(d(v, k) for v in list_field(n, "v")), "set": _decode_set, "dict": _decode_dict,
    "nd": _decode_array, "ndo": _decode_object_array, "np": _decode_scalar, "dc": _decode_dataclass,
    "series": _decode_pandas_series, "df": _decode_pandas_frame, "opaque": _decode_opaque, "blank": _decode_blank,
}
