"""Rendering of results, hints and solutions: coloured HTML in Jupyter, plain text elsewhere."""
from __future__ import annotations

import html
import re

from learnkit.core.problem import Code
from learnkit.core.result import Result, Status
from learnkit.i18n import _

#: One palette for the notebook and the grader's pages (learnkit.grading.report). Every colour reads
#: as text on white and under white text (WCAG AA, contrast >= 4.5), and verdicts, hints and
#: solutions differ at a glance (CIE76 distance >= 20; tests/unit/core/test_core.py checks both): "not
#: attempted" is a neutral grey, no longer the hint's blue; an error is dark amber, no longer an
#: orange too light to read.
COLOURS = {
    Status.CORRECT: "#2e7d32",      # green
    Status.INCORRECT: "#c62828",    # red
    Status.UNATTEMPTED: "#757575",  # grey: nothing to judge yet
    Status.ERROR: "#b45309",        # dark amber
    Status.TIMEOUT: "#6a1b9a",      # purple
    Status.KILLED: "#6a1b9a",
}
HINT_COLOUR = "#3366cc"      # blue: help
SOLUTION_COLOUR = "#00695c"  # teal: help, not the green of a correct verdict
NOTE_COLOUR = "#555555"      # learnkit's own notes ("There is no hint…")


def status_label(status: Status) -> str:
    return {
        Status.CORRECT: _("Correct"),
        Status.INCORRECT: _("Incorrect"),
        Status.UNATTEMPTED: _("Not attempted yet"),
        Status.ERROR: _("Checker error"),
        Status.TIMEOUT: _("Timed out"),
        Status.KILLED: _("Killed"),
    }[status]


def _opening_verdict(status: Status, message: str):
    """The match of a message that opens by restating its verdict ("Correct! Well done.", "正確！…"):
    group 1 is that opening, the match ends where the rest of the message starts. Else None."""
    from learnkit import i18n
    labels = {status_label(status)}
    with i18n.using("en"):
        labels.add(status_label(status))  # a course message not translated yet
    for label in sorted(labels, key=len, reverse=True):
        m = re.match(r"(%s(?:[!！.。:：]+|$))\s*" % re.escape(label), message or "", re.IGNORECASE)
        if m:
            return m
    return None


def without_verdict(status: Status, message: str) -> str:
    """The message without an opening that restates the verdict ("Correct! Well done." -> "Well done."),
    for places that show the verdict beside it (a report's label)."""
    m = _opening_verdict(status, message)
    return message[m.end():] if m else message


def inline_html(text: str) -> str:
    """Escape text and turn `code` spans and line breaks into HTML."""
    out = html.escape(text)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"<em>\1</em>", out)  # *emphasis*
    return out.replace("\n", "<br>")


class Rendered:
    """Something IPython can display as HTML or as plain text."""

    def __init__(self, text: str, html_: str):
        self.text, self.html = text, html_

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text

    def _repr_pretty_(self, p, cycle):  # IPython terminal
        p.text(self.text)


def _box(colour: str, title: str, body_html: str, sep: str = ": ") -> str:
    return (f'<div class="learnkit-feedback" style="border-left:4px solid {colour};padding:4px 10px;margin:4px 0">'
            f'<span style="color:{colour};font-weight:bold">{html.escape(title)}</span>'
            f'{sep + body_html if body_html else ""}</div>')


def result(r: Result) -> Rendered:
    """"Incorrect: <message>"; a message that opens with its verdict is its own headline:
    "Correct! Well done.", never "Correct: Correct! Well done."."""
    label, sep, message = status_label(r.status), ": ", r.message
    opening = _opening_verdict(r.status, r.message)
    if opening:
        label, sep, message = opening.group(1), r.message[opening.end(1):opening.end()], r.message[opening.end():]
        text = r.message
    else:
        text = f"{label}: {r.message}" if r.message else label
    body = inline_html(message)
    if r.diagnosis:
        text += "\n" + _("Your curves") + ": " + r.diagnosis
        body += '<br><i>' + html.escape(_("Your curves")) + ":</i> " + inline_html(r.diagnosis)
    return Rendered(text, _box(COLOURS[r.status], label, body, html.escape(sep)))


def hint(text: str, n: int, total: int) -> Rendered:
    title = _("Hint") if total <= 1 else _("Hint {n} of {total}").format(n=n, total=total)
    more = ""
    if n < total:
        more = _("(run `.hint({next})` for the next one)").format(next=n + 1)
    plain = f"{title}: {text}" + (f" {more}" if more else "")
    body = inline_html(text) + (f' <span style="color:#666">{inline_html(more)}</span>' if more else "")
    return Rendered(plain, _box(HINT_COLOUR, title, body))


def solution(sol: str | Code, diagnosis: str = "") -> Rendered:
    title = _("Solution")
    if isinstance(sol, Code):
        code = sol.source.strip("\n")
        plain = f"{title}:\n{code}"
        try:
            from pygments import highlight
            from pygments.formatters import HtmlFormatter
            from pygments.lexers import PythonLexer
            body = highlight(code, PythonLexer(), HtmlFormatter(noclasses=True, nobackground=True))
        except ImportError:  # pragma: no cover - pygments comes with IPython
            body = f"<pre>{html.escape(code)}</pre>"
    else:
        plain = f"{title}: {sol}"
        body = inline_html(str(sol))
    if diagnosis:
        plain += "\n" + _("Your curves") + ": " + diagnosis
        body += '<br><i>' + html.escape(_("Your curves")) + ":</i> " + inline_html(diagnosis)
    return Rendered(plain, _box(SOLUTION_COLOUR, title, body))


def message(text: str, colour: str = NOTE_COLOUR) -> Rendered:
    return Rendered(text, _box(colour, "learnkit", inline_html(text)))


def table(title: str, headers: list[str], rows: list[list[str]]) -> Rendered:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h))
              for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths))
    plain = "\n".join([title, line(headers), *(line(r) for r in rows)])
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td style='padding:2px 8px'>{inline_html(str(c))}</td>" for c in r) + "</tr>"
                   for r in rows)
    return Rendered(plain, f"<b>{html.escape(title)}</b><table><tr>{head}</tr>{body}</table>")


def show(obj: Rendered) -> None:
    """Display in Jupyter/IPython; print elsewhere. Never raises."""
    try:
        from IPython import get_ipython
        if get_ipython() is not None:
            from IPython.display import display
            display(obj)
            return
    except Exception:
        pass
    print(obj.text)
