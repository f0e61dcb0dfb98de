"""What can go wrong with the course's data: the errors (all :class:`DatasetError`) and warnings."""
from __future__ import annotations

__all__ = ["DatasetError", "DatasetNotFound", "DatasetChecksumError", "StandinUnavailable",
           "StandinDataWarning", "UnverifiedDataWarning"]


class DatasetError(Exception):
    """Base class of ``learnkit.data``'s errors."""


class DatasetNotFound(DatasetError, FileNotFoundError):
    """No usable copy anywhere. ``.file``, ``.looked_in`` and ``.download_note`` hold the details."""

    def __init__(self, message: str, file: str = "", looked_in: tuple[str, ...] = (),
                 download_note: str = ""):
        super().__init__(message)
        self.file, self.looked_in, self.download_note = file, looked_in, download_note

    def __str__(self) -> str:
        return self.args[0] if self.args else ""


class DatasetChecksumError(DatasetError, ValueError):
    """A file (on disk or just downloaded) whose sha256 is not the course's."""

    def __init__(self, message: str, path: str = "", expected: str = "", actual: str = ""):
        super().__init__(message)
        self.path, self.expected, self.actual = path, expected, actual


class StandinUnavailable(DatasetError):
    """No stand-in can be made: no generator is registered, or its module cannot be imported."""


class StandinDataWarning(UserWarning):
    """The data is generated, not the course's: numbers will not match."""


class UnverifiedDataWarning(UserWarning):
    """``LEARNKIT_VERIFY=0`` let a file with an unexpected sha256 through."""
