"""The facts schema: limits, errors, and the registries other modules extend (see ``learnkit.core.facts``)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

MAX_DEPTH = 24
MAX_ITEMS = 200_000           # container items and array elements of object arrays, per tree
MAX_ARRAY_BYTES = 64 << 20    # numeric array bytes, per tree
MAX_STRING = 1 << 20          # characters of one string
MAX_INT_DIGITS = 200
MAX_PARAMS = 32               # parameter names reported for one function
_DTYPE = re.compile(r"^[<>|=]?[biufc][1-9][0-9]?$")

class MalformedFacts(ValueError):
    """The facts a kernel sent do not follow the schema (or exceed a size cap)."""

class FactMissing(RuntimeError):
    """The check asked for something (a call's result) that the kernel's facts do not contain."""


class StudentTimeout(Exception):
    """A student function or model did not return within its time limit (a recorded outcome).

    ``name`` is the function's, ``seconds`` the limit (None when the record did not say)."""

    def __init__(self, message: str = "", name: str = "", seconds: float | None = None):
        super().__init__(message)
        self.name, self.seconds = name, seconds

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
@dataclass(frozen=True, slots=True, repr=False)
class Opaque:
    """A value of a kind facts do not describe: only its type name and a description travel."""

    type_name: str
    text: str

    def fact_description(self) -> str:
        return self.text

    __repr__ = fact_description


_OPAQUE_TYPES: dict[str, type] = {}


def opaque(type_name: str, text: str) -> Opaque:
    """An ``Opaque`` whose ``type(x).__name__`` is the original type's name (messages say 'a Line2D')."""
    name = type_name if type_name.isidentifier() else "object"
    cls = _OPAQUE_TYPES.get(name)
    if cls is None:
        cls = _OPAQUE_TYPES[name] = type(name, (Opaque,), {"__slots__": ()})
    return cls(type_name, text)
