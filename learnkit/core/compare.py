"""Tolerant equality for answers: numbers, numpy arrays, pandas objects, containers.

``mismatch(actual, expected)`` returns ``None`` when they agree and otherwise a
sentence for the student saying how they differ.
"""
from __future__ import annotations

import math
import numbers

from learnkit.i18n import _, _n

MAX_REPR = 60


def short_repr(value, limit: int = MAX_REPR) -> str:
    try:
        text = repr(value)
    except Exception:  # a student object with a broken __repr__
        text = f"<{type(value).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(value) -> str:
    """'an int (5)', 'a list of 3 items', 'a numpy array of shape (2, 3)'… in the current language."""
    np = _numpy()
    pd = _pandas()
    if value is None:
        return _("None")
    described = getattr(type(value), "fact_description", None)  # a fact object standing for a student's value
    if described is not None:
        return described(value)
    if pd is not None and isinstance(value, pd.DataFrame):
        return _("a pandas DataFrame of shape {shape}").format(shape=value.shape)
    if pd is not None and isinstance(value, pd.Series):
        return _("a pandas Series of length {n}").format(n=len(value))
    if np is not None and isinstance(value, np.ndarray):
        return _("a numpy array of shape {shape}").format(shape=value.shape)
    if isinstance(value, (list, tuple, dict, set)):
        return _container(value).format(n=len(value))
    if callable(value) and hasattr(value, "__name__"):
        return _("the function {name}").format(name=value.__name__)
    shown = short_repr(value, 30)
    if np is not None and isinstance(value, np.generic):
        return _("a numpy {dtype} ({value})").format(dtype=value.dtype.name, value=shown)
    for cls, phrase in _builtin_values():
        if type(value) is cls:
            return phrase.format(value=shown)
    name = type(value).__name__
    if name[:1].lower() in "aeiou":
        return _("an {type} ({value})").format(type=name, value=shown)
    return _("a {type} ({value})").format(type=name, value=shown)


def _builtin_values() -> tuple:
    """"an int (5)": the phrase of each Python type a student's answer often is, in the current language."""
    return ((int, _("an int ({value})")), (float, _("a float ({value})")), (str, _("a str ({value})")),
            (bool, _("a bool ({value})")), (complex, _("a complex ({value})")), (bytes, _("a bytes ({value})")))


def type_phrase(expected) -> str:
    """"an int", "a float", "a DataFrame": what a value of type ``expected`` is called, in the current language."""
    names = {int: _("an int"), float: _("a float"), str: _("a str"), bool: _("a bool"), list: _("a list"),
             tuple: _("a tuple"), dict: _("a dict"), set: _("a set")}
    if expected in names:
        return names[expected]
    name = getattr(expected, "__name__", str(expected))
    return (_("an {type}") if name[:1].lower() in "aeiou" else _("a {type}")).format(type=name)


def _container(value) -> str:
    n = len(value)
    if isinstance(value, list):
        return _n("a list of {n} item", "a list of {n} items", n)
    if isinstance(value, tuple):
        return _n("a tuple of {n} item", "a tuple of {n} items", n)
    if isinstance(value, dict):
        return _n("a dict of {n} item", "a dict of {n} items", n)
    return _n("a set of {n} item", "a set of {n} items", n)


def _numpy():
    try:
        import numpy
        return numpy
    except ImportError:  # pragma: no cover - numpy is a dependency
        return None


def _pandas():
    import sys
    return sys.modules.get("pandas")  # pandas objects can only exist if pandas was imported


def _is_number(x) -> bool:
    return isinstance(x, numbers.Number) and not isinstance(x, bool)


def _close(a: float, b: float, rtol: float, atol: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= atol + rtol * abs(b)


def mismatch(actual, expected, rtol: float = 1e-6, atol: float = 1e-9, name: str | None = None) -> str | None:
    """None if ``actual`` equals ``expected`` within tolerance, else a reason (about ``name``: "your answer")."""
    if name is None:
        name = _("your answer")
    np = _numpy()
    pd = _pandas()

    if pd is not None and isinstance(expected, (pd.Series, pd.DataFrame)):
        if not isinstance(actual, type(expected)):
            return _("{name} should be {expected}; it is {actual}.").format(
                name=name, expected=describe(expected), actual=describe(actual))
        if actual.shape != expected.shape:
            return _("{name} has shape {a}; expected {e}.").format(name=name, a=actual.shape, e=expected.shape)
        if isinstance(expected, pd.DataFrame) and list(actual.columns) != list(expected.columns):
            return _("{name} has columns {a}; expected {e}.").format(
                name=name, a=list(actual.columns), e=list(expected.columns))
        return mismatch(actual.to_numpy(), expected.to_numpy(), rtol, atol, name)

    if np is not None and (isinstance(expected, np.ndarray) or isinstance(actual, np.ndarray)) \
            and not _is_number(expected):
        try:
            a = np.asarray(actual)
            e = np.asarray(expected)
        except Exception:
            return _("{name} should be array-like; it is {actual}.").format(name=name, actual=describe(actual))
        if a.shape != e.shape:
            return _("{name} has shape {a}; expected shape {e}.").format(name=name, a=a.shape, e=e.shape)
        if e.dtype.kind in "fciub" and a.dtype.kind in "fciub":
            ok = np.isclose(a.astype(float), e.astype(float), rtol=rtol, atol=atol, equal_nan=True)
        else:
            ok = a == e
        if not np.all(ok):
            bad = tuple(int(i) for i in np.argwhere(~np.asarray(ok))[0])
            where = bad[0] if len(bad) == 1 else bad
            return _("{name} differs at index {i}: got {a}, expected {e}.").format(
                name=name, i=where, a=short_repr(a[bad]), e=short_repr(e[bad]))
        return None

    if _is_number(expected):
        if np is not None and isinstance(actual, np.ndarray) and actual.size == 1:
            actual = actual.item()
        if not _is_number(actual):
            return _("{name} should be a number; it is {actual}.").format(name=name, actual=describe(actual))
        if isinstance(expected, complex) or isinstance(actual, complex):
            ok = abs(complex(actual) - complex(expected)) <= atol + rtol * abs(complex(expected))
        else:
            ok = _close(float(actual), float(expected), rtol, atol)
        if not ok:
            return _("{name} is {a}; expected {e}.").format(name=name, a=short_repr(actual), e=short_repr(expected))
        return None

    if isinstance(expected, (list, tuple)):
        if not isinstance(actual, (list, tuple)) and not (np is not None and isinstance(actual, np.ndarray)):
            return _("{name} should be {expected}; it is {actual}.").format(
                name=name, expected=describe(expected), actual=describe(actual))
        if len(actual) != len(expected):
            return _n("{name} has {a} item; expected {e}.", "{name} has {a} items; expected {e}.", len(actual)).format(
                name=name, a=len(actual), e=len(expected))
        for i, (x, y) in enumerate(zip(actual, expected)):
            why = mismatch(x, y, rtol, atol, name=f"{name}[{i}]")
            if why:
                return why
        return None

    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return _("{name} should be a dict; it is {actual}.").format(name=name, actual=describe(actual))
        missing = [k for k in expected if k not in actual]
        if missing:
            return _("{name} is missing the key {key!r}.").format(name=name, key=missing[0])
        extra = [k for k in actual if k not in expected]
        if extra:
            return _("{name} has an unexpected key {key!r}.").format(name=name, key=extra[0])
        for k in expected:
            why = mismatch(actual[k], expected[k], rtol, atol, name=f"{name}[{k!r}]")
            if why:
                return why
        return None

    try:
        equal = bool(actual == expected)
    except Exception:
        equal = False
    if not equal:
        return _("{name} is {a}; expected {e}.").format(name=name, a=short_repr(actual), e=short_repr(expected))
    return None
