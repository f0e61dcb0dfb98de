"""otter-assign's master notebook (format v1) as a learnkit exercise.

Raw cells delimit the parts: ``# BEGIN QUESTION`` (YAML: ``name``, ``points``, ``manual``,
``all_or_nothing``) … ``# END QUESTION``, and inside a question ``# BEGIN SOLUTION`` …
``# END SOLUTION`` (solution cells), ``# BEGIN TESTS`` … ``# END TESTS`` (test cells),
``# BEGIN PROMPT`` … ``# END PROMPT``. In solution cells, ``# BEGIN SOLUTION`` … ``# END SOLUTION``
lines and lines ending ``# SOLUTION`` become learnkit solution blocks; ``# IGNORE`` lines go.
Each test cell is one otter test case and one learnkit question: a first comment line saying
``HIDDEN`` (or ``hidden: true`` in its ``# BEGIN TEST CONFIG`` block) marks a hidden case, graded
all the same; the cell's saved output is its expected output, as otter's doctests compare.
Points follow otter's rules (``resolve_points``): a list gives each case its points, a number is
shared evenly among the cases without their own ``points``, ``{each: n}`` gives n per case, and no
points at all makes the question worth 1. An ``all_or_nothing`` question is one learnkit question.
Not carried: manual questions, cells in another language.
"""
from __future__ import annotations

import re
from typing import Any

import yaml

from learnkit.importers.common import (BEGIN, END, Imported, ImportProblem, Question, import_lines, learnkit_markers,
                                       source_text)
from learnkit.importers.problem import ImportedCase

_RAW = re.compile(r"^\s*#\s*(BEGIN|END)\s+(QUESTION|SOLUTION|TESTS|PROMPT)\b", re.I)
_CONFIG_BEGIN = re.compile(r'^(?:.\s*=\s*)?"""?\s*#\s*BEGIN\s*TEST\s*CONFIG', re.I)
_CONFIG_END = re.compile(r'^"""?\s*#\s*END\s*TEST\s*CONFIG', re.I)


def resolve_points(total, given: list) -> list[float]:
    """Each case's points from the question's ``points`` and the cases' own (otter's rules)."""
    if isinstance(total, dict):
        total = total.get("each", 1) * len(given)
    if isinstance(total, list):
        if len(total) != len(given):
            raise ImportProblem(f"'points' lists {len(total)} values for {len(given)} test cases")
        return [float(p) for p in total]
    fixed = sum(p for p in given if p is not None)
    free = sum(p is None for p in given)
    if total is not None:
        each = (float(total) - fixed) / free if free else 0.0
    else:
        each = (1 / free if free else 0.0) if fixed == 0 else 0.0
    return [float(p) if p is not None else each for p in given]


def solution_code(code: str) -> str:
    out = []
    for line in code.split("\n"):
        bare = line.rstrip()
        if bare.endswith("# IGNORE") or bare.endswith("# SEED"):
            continue
        m = re.match(r"^(\s*)(.*?)\s*# SOLUTION( NO PROMPT)?$", bare)
        if m and m.group(2):
            out += [m.group(1) + BEGIN, m.group(1) + m.group(2), m.group(1) + END]
        else:
            out.append(line)
    return learnkit_markers("\n".join(out))


def _test(cell) -> tuple[ImportedCase, bool, float | None]:
    lines = source_text(cell).split("\n")
    hidden = bool(lines and lines[0].lstrip().startswith("#") and re.search(r"\bhidden\b", lines[0], re.I))
    start, config = (1 if hidden else 0), dict[str, Any]()
    if lines and _CONFIG_BEGIN.match(lines[0]):
        end = next((i for i, ln in enumerate(lines) if _CONFIG_END.match(ln)), len(lines) - 1)
        config, start = yaml.safe_load("\n".join(lines[1:end])) or {}, end + 1
    output = ""
    for o in cell.get("outputs", []):
        output += "".join(o.get("text", ""))
        plain = o.get("data", {}).get("text/plain")
        output += ("".join(plain) if isinstance(plain, list) else plain) if plain else ""
    case = ImportedCase("\n".join(lines[start:]).strip(), output if output.strip() else None)
    return case, bool(config.get("hidden", hidden)), config.get("points")


def parse(nb, name: str) -> Imported:
    imp = Imported("otter", name)
    question, region = None, None
    tests: list = []
    for n, cell in enumerate(nb.cells, 1):
        code = source_text(cell)
        if cell.cell_type == "raw":
            m = _RAW.match(code)
            if code.lstrip().upper().startswith("# ASSIGNMENT CONFIG"):
                imp.title = (yaml.safe_load(code.split("\n", 1)[1] if "\n" in code else "") or {}).get("name", name)
            elif m and m.group(2).upper() == "QUESTION" and m.group(1).upper() == "BEGIN":
                question = yaml.safe_load(code.split("\n", 1)[1] if "\n" in code else "") or {}
                tests = []
            elif m and m.group(2).upper() == "QUESTION":
                _end_question(imp, question or {}, tests)
                question = None
            elif m:
                region = m.group(2).upper() if m.group(1).upper() == "BEGIN" else None
            continue
        if cell.cell_type == "markdown":
            if question is not None and question.get("manual") and region == "SOLUTION":
                continue  # the written answer
            imp.cells.append(("markdown", code))
            continue
        if imp.other_language(code, f"cell {n}"):
            continue
        if region == "TESTS":
            tests.append(_test(cell))
            continue
        if code.strip().upper().startswith("# IGNORE"):
            continue
        imp.imports += import_lines(code)
        imp.cells.append(("code", solution_code(code) if region == "SOLUTION" else code))
    return imp


def _end_question(imp: Imported, config: dict, tests: list) -> None:
    qname = str(config.get("name", f"question {len(imp.questions) + 1}"))
    if config.get("manual"):
        imp.not_carried.append(f"{qname}: a manually graded question, {config.get('points', 0)} points")
        return
    if not tests:
        imp.not_carried.append(f"{qname}: no test cells; no question made")
        return
    points = resolve_points(config.get("points"), [p for _, _, p in tests])
    first = len(imp.questions)
    if config.get("all_or_nothing"):
        imp.questions.append(Question(qname, [c for c, _, _ in tests], sum(points), any(h for _, h, _ in tests)))
    else:
        for i, ((case, hidden, _), pts) in enumerate(zip(tests, points), 1):
            label = f"{qname} (test {i} of {len(tests)}{', hidden' if hidden else ''})"
            imp.questions.append(Question(label, [case], pts, hidden))
    imp.check_cell(list(range(first, len(imp.questions))))
