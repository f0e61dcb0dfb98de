"""The ``____`` blank that starter code asks students to fill in."""
from __future__ import annotations

import types


MESSAGE = "replace ____ with your own code before running this cell"


class PlaceholderError(Exception):
    """Raised when student code uses ``____`` as if it were a value."""


class PlaceholderAttributeError(PlaceholderError, AttributeError):
    """An attribute of ``____`` was asked for: a ``PlaceholderError`` with the same message, and an
    ``AttributeError`` so ``hasattr``, ``getattr(..., default)``, ``copy`` and ``pickle`` see no attribute."""


class _Placeholder:
    """The one ``____``: any use as a value raises ``PlaceholderError``; copies and unpickling give it back."""
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"

    def _fail(self, *args, **kwargs):
        raise PlaceholderError(MESSAGE)

    def __getattr__(self, name: str):
        raise PlaceholderAttributeError(MESSAGE)

    __call__ = _fail
    __iter__ = _fail
    __len__ = _fail
    __getitem__ = _fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail
    __truediv__ = __rtruediv__ = __matmul__ = __rmatmul__ = __pow__ = _fail
    __float__ = __int__ = __index__ = _fail

    def __copy__(self) -> _Placeholder:
        return self

    def __deepcopy__(self, memo) -> _Placeholder:
        return self

    def __reduce__(self):
        return (_Placeholder, ())


PLACEHOLDER = _Placeholder()
____ = PLACEHOLDER


def is_placeholder(value, _depth: int = 0) -> bool:
    """True if ``value`` is ``____`` or holds it: nested lists/tuples/dicts, numpy object arrays."""
    if value is PLACEHOLDER:
        return True
    if _depth >= 4:
        return False
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(is_placeholder(v, _depth + 1) for v in value)
    if isinstance(value, dict):
        return any(is_placeholder(v, _depth + 1) for v in value.values())
    dtype = getattr(value, "dtype", None)
    if dtype is not None and getattr(dtype, "kind", "") == "O":
        try:
            return any(is_placeholder(v, _depth + 1) for v in value.ravel()[:1000])
        except Exception:
            return False
    return False


def _code_uses_blank(code: types.CodeType, depth: int = 0) -> bool:
    if "____" in code.co_names:
        return True
    return depth < 4 and any(isinstance(c, types.CodeType) and _code_uses_blank(c, depth + 1)
                             for c in code.co_consts)


def uses_blank(fn) -> bool:
    """True if the body of function ``fn`` (or of a function nested in it) still uses ``____``."""
    from learnkit.core.facts import FunctionFact
    if isinstance(fn, FunctionFact):  # the kernel reported it
        return fn.blank
    code = getattr(fn, "__code__", None)
    return isinstance(code, types.CodeType) and _code_uses_blank(code)
