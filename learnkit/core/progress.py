"""The student's local progress log: one JSON line per check (and per hint/solution view)."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import platformdirs


def log_path() -> Path:
    """``LEARNKIT_PROGRESS`` if set, else ``progress.jsonl`` in the user data folder (platformdirs:
    ``$XDG_DATA_HOME/learnkit``, else ``~/.local/share/learnkit`` on Linux)."""
    explicit = os.environ.get("LEARNKIT_PROGRESS")
    if explicit:
        return Path(explicit)
    return Path(platformdirs.user_data_dir("learnkit", appauthor=False)) / "progress.jsonl"


def record(exercise: str, question: str, event: str, status: str = "", message: str = "") -> None:
    """Append one line. Failing to write (read-only home, full disk) never disturbs the student;
    Ctrl-C while the line is written waits until it is whole."""
    from learnkit.core.facts.limit import interrupts_deferred
    line = {"exercise": exercise, "question": question, "event": event, "status": status,
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "message": message[:300]}
    try:
        path = log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with interrupts_deferred(), open(path, "a+b") as f:
            if f.tell() > 0:  # a crash may have left a torn last line: start a fresh one
                f.seek(-1, os.SEEK_END)
                if f.read(1) != b"\n":
                    f.write(b"\n")
            f.write((json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8"))
    except OSError:
        pass


def read(exercise: str | None = None) -> list[dict]:
    path = log_path()
    if not path.exists():
        return []
    rows = []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            try:
                row = json.loads(raw)
            except ValueError:
                continue  # a torn line from a crash: skip it, keep the rest
            if exercise is None or row.get("exercise") == exercise:
                rows.append(row)
    return rows


def summary(exercise: str, questions: list[str]) -> dict[str, dict]:
    """Per question: latest check status, whether it was ever correct, hints/solution seen."""
    out: dict[str, dict[str, Any]] = {q: {"status": "unattempted", "ever_correct": False, "checks": 0, "hints": 0, "solution": False}
           for q in questions}
    for row in read(exercise):
        q = out.get(str(row.get("question")))
        if q is None:
            continue
        if row["event"] == "check":
            q["checks"] += 1
            q["status"] = row["status"]
            q["ever_correct"] |= row["status"] == "correct"
        elif row["event"] == "hint":
            q["hints"] += 1
        elif row["event"] == "solution":
            q["solution"] = True
    return out
