"""The verdict of one check: the only thing that flows from checking to display or gradebook."""
from __future__ import annotations

import enum
import time
from dataclasses import asdict, dataclass, field


class Status(str, enum.Enum):
    CORRECT = "correct"
    INCORRECT = "incorrect"
    UNATTEMPTED = "unattempted"
    ERROR = "error"
    # Only the grader produces these two: the kernel never reached the check.
    TIMEOUT = "timeout"
    KILLED = "killed"

    def __str__(self) -> str:  # "correct", not "Status.CORRECT"
        return self.value


class RunStatus(str, enum.Enum):
    """How the run of a whole notebook ended (not a question's verdict)."""

    OK = "ok"            # every cell ran (student errors included)
    TIMEOUT = "timeout"  # a cell or the whole notebook ran past its time limit
    KILLED = "killed"    # the kernel died, or a limit (memory) killed it
    ERROR = "error"      # the notebook could not be run or judged (the reason says why)

    def __str__(self) -> str:
        return self.value


# When the same question is judged several times (after several cells), the
# grade is the best one reached: a correct model at any point earns the point.
RANK = {
    Status.CORRECT: 4,
    Status.INCORRECT: 3,
    Status.ERROR: 2,
    Status.UNATTEMPTED: 1,
    Status.TIMEOUT: 0,
    Status.KILLED: 0,
}


@dataclass(frozen=True)
class Result:
    """What a check found. ``message`` is written for the student."""

    question: str
    status: Status
    message: str = ""
    points: float = 0.0
    max_points: float = 1.0
    exercise: str = ""
    diagnosis: str = ""  # optional extra line (e.g. learning-curve facts)
    time: float = field(default_factory=time.time)

    @property
    def passed(self) -> bool:
        return self.status is Status.CORRECT

    def to_dict(self) -> dict:
        d = asdict(self)
        d["status"] = self.status.value
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Result":
        d = dict(d)
        d["status"] = Status(d["status"])
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in d.items() if k in known})

    def better_than(self, other: "Result | None") -> bool:
        """True if this result should replace ``other`` as the question's grade."""
        if other is None:
            return True
        return RANK[self.status] >= RANK[other.status]
