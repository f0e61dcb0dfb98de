"""Feedback reports of the batch grader, written from the gradebook.

``write_reports(gradebook, out_dir)`` writes one self-contained HTML page per current run
(``out_dir/feedback/<student>__<sha12>.html``: verdicts, messages, diagnoses, first hints,
learning curves) and the class summary ``out_dir/index.html`` (score distribution, pass rate
and failures per question, every submission linked). Pages embed their CSS and their PNGs
(``data:`` URIs): they can be mailed or opened offline and fetch nothing. Templates are
``learnkit/templates/*.j2``, rendered with autoescape on: student messages are text, never HTML.
"""
from __future__ import annotations

import importlib
import re
import statistics
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Mapping
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from learnkit.core.render import COLOURS, inline_html, status_label
from learnkit.core.result import Status
from learnkit.grading import plots
from learnkit.i18n import _

__all__ = ["write_reports", "page_name", "layers_summary", "OK"]

OK = "ok"  #: the run status of a notebook that ran to the end (anything else gets a banner)
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FAILURE_KINDS = (Status.INCORRECT, Status.UNATTEMPTED, Status.ERROR, Status.TIMEOUT, Status.KILLED)
SYMBOLS = {Status.CORRECT: "✔", Status.INCORRECT: "✘", Status.UNATTEMPTED: "–", Status.ERROR: "!",
           Status.TIMEOUT: "◷", Status.KILLED: "✖"}
GREY = "#757575"
MISSING = "missing"  # a question the checker module knows but the run recorded no result for
_EXERCISE_ID = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$")


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["inline"] = lambda text: Markup(inline_html(str(text or "")))  # escapes, then `code`
    env.globals["_"] = _
    return env


def _natural(s: str) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]


def _num(x: float) -> str:
    return f"{x:g}" if abs(x) < 1e6 else f"{x:.0f}"


def _verdict(status: str | None) -> dict:
    try:
        s = Status(status)
    except ValueError:
        label = _("No result") if status in (None, "", MISSING) else str(status)
        return {"status": status or MISSING, "label": label, "colour": GREY, "symbol": "?"}
    return {"status": s.value, "label": status_label(s), "colour": COLOURS[s], "symbol": SYMBOLS[s]}


def _run_state(run) -> dict | None:
    """None when the run is ok; otherwise what the banner says."""
    status = str(run["status"] or "").lower()
    if status == OK:
        return None
    if status in (Status.TIMEOUT, Status.KILLED):
        label, colour = status_label(Status(status)), COLOURS[Status(status)]
    elif status == Status.ERROR:
        label, colour = _("The notebook could not be graded"), COLOURS[Status.ERROR]
    else:
        label, colour = _("Run status: {status}").format(status=status or "?"), GREY
    return {"status": status, "label": label, "colour": colour, "reason": run["reason"] or ""}


@lru_cache(maxsize=None)
def _exercise(exercise_id: str | None):
    """The checker module's ``exercise`` ("deep_learning_intro.ex5" → checkers.…), or None."""
    if not exercise_id or not _EXERCISE_ID.match(exercise_id):
        return None
    try:
        return getattr(importlib.import_module("checkers." + exercise_id), "exercise", None)
    except Exception:
        return None


def _problem_info(ex, question: str) -> tuple[str, str, float]:
    """(prompt, first hint, points) of a question from the checker module."""
    try:
        problem = ex.problem(question)
        hints = [str(h) for h in (problem.hints or ())]
        return str(problem.prompt or ""), (hints[0] if hints else ""), float(problem.points)
    except Exception:
        return "", "", 0.0


def page_name(student: str, sha256: str, taken: set[str]) -> str:
    """A safe, unique file name ``<student>__<sha12>.html``; adds ``-2``, ``-3``… on a clash."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", str(student or "")).strip("._-")[:80] or "student"
    base += "__" + (re.sub(r"[^0-9a-fA-F]", "", str(sha256 or ""))[:12] or "nohash")
    name, i = base + ".html", 1
    while name.lower() in taken:
        i += 1
        name = f"{base}-{i}.html"
    taken.add(name.lower())
    return name


def layers_summary(layers) -> str:
    """["BatchNormalization", "Dense", "Dense"] → "BatchNormalization, Dense ×2"."""
    counts = Counter(str(layer) for layer in (layers or ()))
    return ", ".join(f"{name} ×{n}" if n > 1 else name for name, n in counts.items())


def _history_entries(raw) -> list[dict]:
    """The artifacts' list of {"name", "history", "layers", "input_shape"}; {} or junk → []."""
    if isinstance(raw, Mapping):  # the gradebook's fallback {}, or a single entry
        raw = [raw] if "history" in raw else []
    if not isinstance(raw, list):
        return []
    return [e for e in raw if isinstance(e, Mapping) and isinstance(e.get("history"), Mapping)]


def _curves(raw) -> list[dict]:
    out = []
    for i, entry in enumerate(_history_entries(raw), 1):
        name = str(entry.get("name") or f"history #{i}")
        summary = layers_summary(entry.get("layers"))
        title = f"{name} — {summary}" if summary else name
        shape = entry.get("input_shape")
        caption = _("input shape {shape}").format(shape=tuple(shape)) if isinstance(shape, list) else ""
        out.append({"title": title, "caption": caption, "uri": plots.history_plot(entry["history"], title)})
    return out


def _page_context(gradebook, run, standin_note: str | None) -> dict:
    ex = _exercise(run["exercise"])
    results = {r["question"]: r for r in gradebook.results(run["id"])}
    known = list(ex.questions) if ex is not None else []
    questions, points, max_points = [], 0.0, 0.0
    for q in sorted(set(results) | set(known), key=_natural):
        r = results.get(q)
        prompt, hint, worth = _problem_info(ex, q) if ex is not None else ("", "", 0.0)
        got, of = (r["points"], r["max_points"]) if r else (0.0, worth)  # no result: 0 of its worth
        points, max_points = points + got, max_points + of
        questions.append({
            "id": q, "prompt": prompt, "hint": hint, "verdict": _verdict(r["status"] if r else MISSING),
            "points": _num(got), "max_points": _num(of),
            "message": r["message"] if r else _("The grader recorded no result for this question."),
            "diagnosis": r["diagnosis"] if r else ""})
    return {
        "student": run["student"], "submission": run["path"], "sha": run["sha256"] or "",
        "exercise_id": run["exercise"] or "", "title": getattr(ex, "title", None) or run["exercise"] or _("Unknown exercise"),
        "points": points, "max_points": max_points, "score": f"{_num(points)} / {_num(max_points)}",
        "percent": 100 * points / max_points if max_points else None,
        "duration": run["duration"], "state": _run_state(run), "questions": questions,
        "note": (run["reason"] or "") if str(run["status"] or "").lower() == OK else "",  # e.g. cell errors
        "curves": _curves(gradebook.histories(run["id"])), "standin_note": standin_note,
        "correct": sum(1 for q in questions if q["verdict"]["status"] == Status.CORRECT.value)}


def _exercise_stats(pages: list[dict]) -> list[dict]:
    """Per exercise: pass rate and failure kinds per question, and the pass-rate chart."""
    by_ex: dict[str, list[dict]] = {}
    for p in pages:
        by_ex.setdefault(p["exercise_id"], []).append(p)
    out = []
    for ex_id, group in sorted(by_ex.items()):
        qs = sorted({q["id"] for p in group for q in p["questions"]}, key=_natural)
        rows = []
        for q in qs:
            verdicts = [next((x for x in p["questions"] if x["id"] == q), None) for p in group]
            counts = Counter(v["verdict"]["status"] if v else MISSING for v in verdicts)
            prompt = next((v["prompt"] for v in verdicts if v and v["prompt"]), "")
            rows.append({"id": q, "prompt": prompt, "n": len(group), "passed": counts[Status.CORRECT.value],
                         "rate": counts[Status.CORRECT.value] / len(group), "counts": counts})
        chart = plots.pass_rate_chart([r["id"] for r in rows], [r["rate"] for r in rows])
        out.append({"id": ex_id, "title": group[0]["title"], "n": len(group), "questions": rows,
                    "chart": chart, "missing": any(r["counts"][MISSING] for r in rows)})
    return out


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_reports(gradebook, out_dir: str | Path, standin_note: str | None = None) -> Path:
    """Write every feedback page and the class summary; return the summary's path.

    ``standin_note``: set when histories or data came from stand-in data; every page then
    shows it in a banner.
    """
    out_dir = Path(out_dir)
    feedback = out_dir / "feedback"
    feedback.mkdir(parents=True, exist_ok=True)
    env = _env()
    page_tpl, index_tpl = env.get_template("feedback.html.j2"), env.get_template("index.html.j2")
    taken: set[str] = set()
    pages = []
    for run in gradebook.current_runs():
        ctx = _page_context(gradebook, run, standin_note)
        ctx["filename"] = page_name(run["student"], run["sha256"], taken)
        ctx["href"] = "feedback/" + quote(ctx["filename"])
        _write(feedback / ctx["filename"], page_tpl.render(**ctx))
        ctx["curves"] = None  # the PNGs are no longer needed: keep memory flat for big classes
        pages.append(ctx)
    for stale in feedback.glob("*__*.html"):  # pages of content that has since been replaced
        if stale.name.lower() not in taken:
            stale.unlink()
    percents = [p["percent"] for p in pages if p["percent"] is not None]
    kinds = [_verdict(k.value) for k in FAILURE_KINDS]
    index = out_dir / "index.html"
    _write(index, index_tpl.render(
        pages=pages, standin_note=standin_note, exercises=_exercise_stats(pages), kinds=kinds,
        missing_kind=_verdict(MISSING), not_ok=[p for p in pages if p["state"]],
        n_students=len({p["student"] for p in pages}),
        mean=statistics.fmean(percents) if percents else None,
        median=statistics.median(percents) if percents else None,
        histogram=plots.score_histogram(percents),
        legend=[_verdict(s.value) for s in Status]))
    return index
