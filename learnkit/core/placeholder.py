"""The ``____`` blank that starter code asks students to fill in."""
from __future__ import annotations


class PlaceholderError(Exception):
    """Raised when student code uses ``____`` as if it were a value."""


class _Placeholder:
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "____"

    def _fail(self, *args, **kwargs):
        raise PlaceholderError("replace ____ with your own code before running this cell")

    __getattr__ = _fail
    __call__ = _fail
    __iter__ = _fail
    __len__ = _fail
    __getitem__ = _fail
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _fail
    __truediv__ = __rtruediv__ = __matmul__ = __rmatmul__ = __pow__ = _fail
    __float__ = __int__ = __index__ = _fail

    def __reduce__(self):
        return (_Placeholder, ())


PLACEHOLDER = _Placeholder()
____ = PLACEHOLDER


def is_placeholder(value, _depth: int = 0) -> bool:
    """True if ``value`` is ``____`` or a (shallow) container holding it."""
    if value is PLACEHOLDER:
        return True
    if _depth < 2 and isinstance(value, (list, tuple, set, frozenset)):
        return any(is_placeholder(v, _depth + 1) for v in value)
    if _depth < 2 and isinstance(value, dict):
        return any(is_placeholder(v, _depth + 1) for v in value.values())
    return False
