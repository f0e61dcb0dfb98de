"""The grader's side of a run: facts in, verdicts out. Never runs student code.

``judge_facts(path, exercise)`` reads the facts file a grading kernel wrote (untrusted: every
line is size-capped and schema-checked, see ``learnkit.core.facts``) and judges each question
with the grader's own ``exercise`` object: its list of questions, points, specs and rules are the
ones this process imported, whatever the notebook did to its own copy. A question is judged
again whenever its facts (or the notebook-wide context, e.g. the histories seen) changed, and
keeps the best verdict reached (correct > incorrect > error > unattempted; ties keep the latest),
as a student who got it right at some point earned the point.
"""
from __future__ import annotations

import contextlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from learnkit.core import facts as factlib
from learnkit.core.problem import decide
from learnkit.core.result import Result, Status
from learnkit.runner.kernel import MAX_FACTS_BYTES, MAX_LINE_BYTES

import learnkit.core.plot_facts  # noqa: F401,E402  (registers their decodings)
import learnkit.keras.fact_types  # noqa: F401,E402

MAX_HISTORIES = 50    # learning curves kept per notebook (artifacts)
MAX_EPOCHS = 10_000   # values kept per curve


@dataclass
class Judged:
    results: dict[str, Result] = field(default_factory=dict)
    cells: dict[str, int] = field(default_factory=dict)        # question -> cell of its kept verdict
    first_correct: dict[str, int] = field(default_factory=dict)  # question -> cell where it first turned correct
    histories: list[dict] = field(default_factory=list)       # the learning curves the kernel reported
    compute: float = 0.0    # seconds in student cells (kernel's clock: informative only)
    collect: float = 0.0    # seconds the kernel spent collecting facts
    judge: float = 0.0      # seconds this process spent judging
    problems: list[str] = field(default_factory=list)          # malformed input, for the run's reason


def _lines(path: Path, judged: Judged):
    try:
        size = path.stat().st_size
        f = path.open("rb")
    except OSError:
        return
    if size > MAX_FACTS_BYTES + MAX_LINE_BYTES:
        judged.problems.append(f"the facts file is larger than {MAX_FACTS_BYTES >> 20} MB; the rest was ignored")
    with f:
        read = 0
        while read <= MAX_FACTS_BYTES + MAX_LINE_BYTES:
            raw = f.readline(MAX_LINE_BYTES + 2)
            if not raw:
                return
            read += len(raw)
            if len(raw) > MAX_LINE_BYTES + 1:
                judged.problems.append("a line of facts was too long")
                return
            try:
                line = json.loads(raw)
            except ValueError:
                judged.problems.append("a line of facts was not valid JSON")
                continue
            if isinstance(line, dict) and isinstance(line.get("cell"), int):
                yield line
            else:
                judged.problems.append("a line of facts had no cell number")


def _seconds(value) -> float:
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) and 0 <= value < 1e7 else 0.0


def judge_facts(path: str | Path, exercise) -> Judged:
    """Verdicts for every question of ``exercise`` from the facts at ``path`` (missing file: none)."""
    import time
    started = time.perf_counter()
    judged = Judged()
    problems = {q: v.problem for q, v in exercise.views.items()}
    latest: dict[str, dict] = {}
    context: dict = {}
    for line in _lines(Path(path), judged):
        if line.get("overflow"):
            judged.problems.append(f"the notebook's facts passed {MAX_FACTS_BYTES >> 20} MB at cell "
                                   f"{line['cell']}; later cells were not judged")
            break
        judged.compute = _seconds(line.get("compute")) or judged.compute
        judged.collect += _seconds(line.get("collect"))
        changed = line.get("facts") if isinstance(line.get("facts"), dict) else {}
        todo = [q for q in changed if q in problems]
        for q in todo:
            latest[q] = changed[q]
        if isinstance(line.get("context"), dict):
            context = line["context"]
            todo = list(latest)
        if not todo:
            continue
        with contextlib.ExitStack() as scope:
            try:
                scope.enter_context(factlib.installed_context(context))
            except factlib.MalformedFacts as e:  # nothing stays installed (installed_context undoes itself)
                judged.problems.append(f"malformed notebook-wide facts ({e})")
                context = {}
            for q in todo:
                r = decide(problems[q], latest[q], q, exercise.id, passive=True)
                if r.status is Status.CORRECT:
                    judged.first_correct.setdefault(q, line["cell"])
                if r.better_than(judged.results.get(q)):
                    judged.results[q], judged.cells[q] = r, line["cell"]
    judged.histories = _histories(context, judged)
    judged.judge = time.perf_counter() - started
    return judged


def _number(v):
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) else None


def _histories(context: dict, judged: Judged) -> list[dict]:
    """The learning curves of the last notebook-wide facts, as gradebook artifacts.

    Each: {"name", "history": {key: [float or None]}, "layers": [class names], "input_shape":
    [dims without the batch dimension] or None}. NaN/inf become None.
    """
    node = context.get("keras.histories")
    if node is None:
        return []
    try:
        seen = factlib.Decoder()(node)
    except factlib.MalformedFacts as e:
        judged.problems.append(f"malformed learning curves ({e})")
        return []
    out = []
    for s in seen[:MAX_HISTORIES] if isinstance(seen, list) else []:
        history = {str(k): [_number(v) for v in values[:MAX_EPOCHS]]
                   for k, values in dict(getattr(s, "history", {}) or {}).items() if isinstance(values, list)}
        model = getattr(s, "model", None)  # its ModelFacts: the input shape has no batch dimension
        shape = list(model.input_shape) if model is not None and model.input_shape else None
        out.append({"name": str(getattr(s, "name", "")), "history": history,
                    "layers": [str(layer.cls) for layer in model.layers] if model is not None else [],
                    "input_shape": shape})
    return out


def unjudged(exercise, status: Status | None, reason: str, results: dict[str, Result]) -> dict[str, Result]:
    """Questions never judged (or only unattempted) get the run's fate (timeout, killed, error) and
    its reason when it ended badly; in a run that ended well, a question never judged is unattempted."""
    out = dict(results)
    for q, view in exercise.views.items():
        r = out.get(q)
        if status in (Status.TIMEOUT, Status.KILLED, Status.ERROR) and (r is None or r.status is Status.UNATTEMPTED):
            out[q] = Result(q, status, reason or "the notebook could not be run to the end", 0.0,
                            view.problem.points, exercise.id)
        elif r is None:
            out[q] = Result(q, Status.UNATTEMPTED,
                            reason or "the notebook never reached a point where this question could be judged",
                            0.0, view.problem.points, exercise.id)
    return out
