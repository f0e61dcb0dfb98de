"""nbgrader's source notebook as a learnkit exercise.

nbgrader keeps its roles in each cell's ``metadata.nbgrader``: ``solution`` cells (their
``### BEGIN SOLUTION``/``### END SOLUTION`` regions, or the whole cell when it has none) become
learnkit solution blocks; autograder test cells (``grade`` without ``solution``, with ``points``)
become one question each, worth those points, whose test code (hidden tests included: the
``### BEGIN HIDDEN TESTS`` markers are dropped) runs on the student's facts: nbgrader gives a
test cell its points when it runs without an error, and so does learnkit. Not carried (listed in
the report): manually graded answers and tasks (``grade`` with ``solution``, ``task``), ``### AUTOTEST``
cells (they need nbgrader's autotests.yml), cells in another language (``%%R``), and nbgrader's
partial credit (a test cell whose output is a number): learnkit gives all the points or none.
"""
from __future__ import annotations

import re

from learnkit.importers.common import (Imported, Question, has_markers, import_lines, learnkit_markers,
                                       source_text, wrap_solution)
from learnkit.importers.problem import ImportedCase

_HIDDEN = re.compile(r"^\s*#+\s*(BEGIN|END) HIDDEN TESTS\s*$")


def _title(nb, default: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#+\s+(.+)$", source_text(cell), re.M)
            if m:
                return m.group(1).strip()
    return default


def parse(nb, name: str) -> Imported:
    imp = Imported("nbgrader", _title(nb, name))
    for n, cell in enumerate(nb.cells, 1):
        meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
        code = source_text(cell)
        where = f"cell {n} ({meta.get('grade_id') or cell.cell_type})"
        if cell.cell_type == "raw":
            continue
        if meta.get("task"):
            imp.not_carried.append(f"{where}: a task (graded by hand), {meta.get('points', 0)} points")
            imp.cells.append(("markdown", code))
            continue
        if cell.cell_type == "markdown":
            if meta.get("solution"):
                imp.not_carried.append(f"{where}: a written answer graded by hand, {meta.get('points', 0)} points")
            imp.cells.append(("markdown", code))
            continue
        if imp.other_language(code, where):
            continue
        imp.imports += import_lines(code)
        if meta.get("grade") and meta.get("solution"):
            imp.not_carried.append(f"{where}: a code answer graded by hand, {meta.get('points', 0)} points "
                                   "(kept as a solution cell, no question)")
            imp.cells.append(("code", learnkit_markers(code) if has_markers(code) else wrap_solution(code)))
        elif meta.get("solution"):
            imp.cells.append(("code", learnkit_markers(code) if has_markers(code) else wrap_solution(code)))
        elif meta.get("grade"):
            if "### AUTOTEST" in code or "### HASHED AUTOTEST" in code:
                imp.not_carried.append(f"{where}: AUTOTEST (needs nbgrader's autotests.yml), "
                                       f"{meta.get('points', 0)} points; left out")
                continue
            test = "\n".join(line for line in code.split("\n") if not _HIDDEN.match(line))
            imp.questions.append(Question(meta.get("grade_id") or f"test cell {n}", [ImportedCase(test)],
                                          float(meta.get("points", 0) or 0)))
            imp.check_cell([len(imp.questions) - 1])
            if any(_number(o) for o in cell.get("outputs", [])):
                imp.not_carried.append(f"{where}: partial credit (its output is a number): all or nothing here")
        else:
            imp.cells.append(("code", code))
    return imp


def _number(output) -> bool:
    plain = output.get("data", {}).get("text/plain") if output.get("output_type") == "execute_result" else None
    try:
        float("".join(plain) if isinstance(plain, list) else plain)  # type: ignore[arg-type]  # None: TypeError
        return True
    except (TypeError, ValueError):
        return False
