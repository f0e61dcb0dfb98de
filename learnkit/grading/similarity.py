"""Pairs of near-identical submissions, for a human to look at in the class report; never a grade.

Cells are compared as Python tokens with comments, layout, quote style and variable names
normalized away (``normalize``). "identical": the same file, or the same code in every cell;
"similar": some of the students' own cells (``answer_cells``) are near-identical, i.e. their
tokens, their content (literals and kept names) and their literals alone all match at
``threshold`` — so two short answers that differ in a layer size, or in ``np.exp`` vs
``math.exp``, are not, however alike their structure. Precision over recall: starter code, code
most of the class shares, and two cells that are both mostly one such cell are never evidence.
"""
from __future__ import annotations

import ast
import builtins
import contextlib
import difflib
import io
import keyword
import re
import tokenize
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

__all__ = ["Flag", "Sub", "answer_cells", "flags", "imported_names", "normalize", "solution_calls", "starter_cells"]

#: names kept verbatim even when the cell does not import them (the course's usual aliases)
USUAL_IMPORTS = frozenset({"np", "pd", "plt", "tf", "keras", "layers", "math", "torch", "sns", "jnp"})
_BUILTINS = frozenset(dir(builtins))
_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING, tokenize.ENDMARKER}
_MAGIC = re.compile(r"^\s*[%!]")
_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+)?import[ \t]+(\([^)]*\)|[^\n#;]+)", re.MULTILINE)
_PLACEHOLDER = re.compile(r"v\d+")
_LITERAL = re.compile(r"\.?\d|[rbfuRBFU]{0,2}['\"]")
_QUESTION = re.compile(r"q_?(\d+)")
_SOLUTION = re.compile(r"\bq_?(\d+)\s*\.\s*solution\s*\(")
_EXERCISE_ID = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$", re.ASCII)


@dataclass(frozen=True)
class Sub:
    key: str                 # the student id (unique per submission passed in)
    cells: tuple[str, ...]   # the notebook's code cell sources, in order (markdown excluded)
    sha256: str = ""         # the file's hash


@dataclass(frozen=True)
class Flag:
    kind: str                # "identical" or "similar"
    students: tuple[str, str]  # sorted pair of keys
    cells: tuple[tuple[int, int], ...] = ()  # 0-based code-cell indices (first, second), for "similar"
    ratio: float = 1.0       # the lowest similarity of the matched cells (0..1)
    note: str = ""           # one English sentence for the report (cells numbered from 1 there)


# -- tokens -------------------------------------------------------------------------------------
def _scan(text: str, out: list) -> list:
    """Append the significant (type, text) tokens of ``text`` to ``out``, up to the end or an error (raised)."""
    for t in tokenize.generate_tokens(io.StringIO(text + "\n").readline):
        if t.type not in _SKIP and t.string.strip():
            out.append((t.type, t.string))
    return out


def _tokens(source: str) -> list[tuple[int, str]]:
    lines = [line for line in source.splitlines() if not _MAGIC.match(line)]  # %magics, !shell
    try:
        return _scan("\n".join(lines), [])
    except Exception:  # unbalanced brackets, bad indentation...: the tokens of each line before its error
        out: list[tuple[int, str]] = []
        for line in lines:
            with contextlib.suppress(Exception):
                _scan(line.strip(), out)
        return out


def _literal(s: str) -> str:
    try:
        with warnings.catch_warnings():  # "\d": invalid escape sequence
            warnings.simplefilter("ignore")
            return repr(ast.literal_eval(s))  # 'a' == "a", 0.30 == .3
    except Exception:  # f-strings
        m = re.match(r"([A-Za-z]*)('''|\"\"\"|'|\")(.*)\2$", s, re.DOTALL)
        return m.group(1).lower() + repr(m.group(3)) if m else s


def imported_names(source: str) -> set[str]:
    """Every name an ``import`` statement of ``source`` mentions (modules, imported names, aliases)."""
    found: set[str] = set()
    for m in _IMPORT.finditer(source):
        found.update(re.findall(r"[A-Za-z_]\w*", f"{m.group(1) or ''} {m.group(2)}"))
    return found - {"as"}


def normalize(source: str, imported: Iterable[str] = ()) -> tuple[str, ...]:
    """The cell's tokens without comments and layout; variables renamed v0, v1... by first use.

    Kept verbatim: keywords, builtins, attribute names, keyword-argument names, literals
    (canonical quotes and numbers) and imported names (this cell's, ``imported``, ``USUAL_IMPORTS``).
    """
    toks, keep = _tokens(source), USUAL_IMPORTS | set(imported) | imported_names(source)
    names: dict[str, str] = {}
    out: list[str] = []
    stack: list[str] = []  # open brackets: "call", "def" (parameter list) or "group"
    for i, (typ, s) in enumerate(toks):
        prev = toks[i - 1][1] if i else ""
        nxt = toks[i + 1][1] if i + 1 < len(toks) else ""
        if typ == tokenize.OP:
            if s in "([{":
                called = s == "(" and i and (toks[i - 1][0] == tokenize.NAME and not keyword.iskeyword(prev)
                                             or prev in (")", "]"))
                stack.append("def" if called and i > 1 and toks[i - 2][1] == "def" else "call" if called else "group")
            elif s in ")]}" and stack:
                stack.pop()
            if s == "," and nxt in (")", "]", "}"):
                continue  # trailing comma
            out.append(s)
        elif typ == tokenize.NAME:
            if (keyword.iskeyword(s) or s in _BUILTINS or s in keep or prev == "."
                    or (nxt == "=" and stack and stack[-1] == "call")):
                out.append(s)
            else:
                out.append(names.setdefault(s, f"v{len(names)}"))
        else:
            out.append(_literal(s) if typ in (tokenize.NUMBER, tokenize.STRING) else s)
    return tuple(out)


def _profile(cell: tuple[str, ...]) -> tuple[tuple[tuple[str, ...], Counter], ...]:
    """Three views of a cell, each with its token counts: literals, content (literals and kept
    names), all tokens. Two cells are near-identical only when all three are."""
    content = tuple(t for t in cell if _LITERAL.match(t) or
                    (t.isidentifier() and not keyword.iskeyword(t) and not _PLACEHOLDER.fullmatch(t)))
    return tuple((v, Counter(v)) for v in (tuple(t for t in content if _LITERAL.match(t)), content, cell))


def _similarity(a: tuple, b: tuple, threshold: float) -> float:
    """The lowest ratio of the views of two profiles (views empty in both skipped); 0.0 below ``threshold``."""
    views = [(x, y, cx, cy) for (x, cx), (y, cy) in zip(a, b) if x or y]
    if any(2 * min(len(x), len(y)) < threshold * (len(x) + len(y)) for x, y, *_ in views) or \
            any(2 * sum((cx & cy).values()) < threshold * (len(x) + len(y)) for x, y, cx, cy in views):
        return 0.0  # upper bounds first: lengths (real_quick_ratio), shared tokens (quick_ratio)
    lowest = min((difflib.SequenceMatcher(None, x, y, autojunk=False).ratio() for x, y, *_ in views), default=0.0)
    return lowest if lowest >= threshold else 0.0


def _candidates(seqs: Sequence[tuple[str, ...]], threshold: float) -> set[tuple[int, int]]:
    """Pairs (u < w) that may reach ``threshold``: of possible lengths, sharing one of their rarest tokens
    (prefix filter: quick_ratio >= t needs a multiset overlap >= t*len/(2-t) for the longer one)."""
    occurrences = [[(t, k) for t, n in Counter(seq).items() for k in range(n)] for seq in seqs]  # multisets as sets
    freq = Counter(e for occ in occurrences for e in occ)
    rank = {e: r for r, e in enumerate(sorted(freq, key=lambda e: (freq[e], e)))}
    index: dict[int, list[tuple[int, int]]] = defaultdict(list)  # rank -> (cell, position), shortest first
    out: set[tuple[int, int]] = set()
    for u in sorted(range(len(seqs)), key=lambda u: len(seqs[u])):
        n = len(seqs[u])
        shortest = threshold * n / (2 - threshold) - 1e-9
        overlap: dict[int, int] = {}  # shared so far; -1: cannot reach the threshold (positional filter)
        for i, r in enumerate(sorted(rank[e] for e in occurrences[u])[:n - int(shortest) + 1]):
            for w, j in reversed(index[r]):
                m = len(seqs[w])
                if m < shortest:
                    break
                have = overlap.get(w, 0)
                if have >= 0:  # shared before + this one + at most what follows in both
                    overlap[w] = have + 1 if have + min(n - i, m - j) >= threshold * (n + m) / 2 - 1e-9 else -1
            index[r].append((u, i))
        out.update((min(u, w), max(u, w)) for w, have in overlap.items() if have > 0)
    return out


# -- answers and flags ----------------------------------------------------------------------------
def _answers(cells: Sequence[tuple[str, ...]], refs: set, min_tokens: int) -> dict[int, tuple[str, ...]]:
    return {i: c for i, c in enumerate(cells) if c not in refs and len(c) >= min_tokens}


def answer_cells(sub: Sub, template: Sequence[str] | None, common: set[tuple[str, ...]], *,
                 min_tokens: int = 12, imported: Iterable[str] = ()) -> dict[int, tuple[str, ...]]:
    """The student's own cells (index -> normalized): not starter, not ``common``, ``min_tokens`` long."""
    imported = frozenset(imported)
    refs = {normalize(c, imported) for c in template or ()} | set(common)
    return _answers([normalize(c, imported) for c in sub.cells], refs, min_tokens)


def _note(a: str, b: str, cells: Sequence[tuple[int, int]], ratio: float) -> str:
    n = len(cells)
    first, second = (" and ".join(str(p[k] + 1) for p in cells) for k in (0, 1))
    return (f"code cell{'s' * (n > 1)} {first} of {a} {'are' if n > 1 else 'is'} near-identical to code "
            f"cell{'s' * (n > 1)} {second} of {b} once comments, formatting and variable names are ignored "
            f"({'lowest ' * (n > 1)}{ratio:.0%})")


def flags(subs: Sequence[Sub], template: Sequence[str] | None = None, *, threshold: float = 0.9,
          min_tokens: int = 12, common_share: float = 0.5, known: Sequence[str] = ()) -> list[Flag]:
    """Pairs of submissions for a human to compare, sorted by kind then students.

    ``template``: the exercise notebook's code cells; ``known``: other code the class was given
    (e.g. the published solution, ``starter_cells(id, "solution")``). Never evidence: cells equal to
    those; common cells, which more than ``common_share`` of the class (3+ submissions, more than a
    pair) has, as they are or near-identical; and two cells that are both mostly one such cell.
    """
    given = (*(template or ()), *known)
    sources = {*given, *(c for s in subs for c in s.cells)}
    imported = frozenset().union(*map(imported_names, sources))
    cache = {src: normalize(src, imported) for src in sources}
    cells = {s.key: tuple(cache[c] for c in s.cells) for s in subs}
    many = max(2.0, common_share * len(subs)) if len(subs) >= 3 else float("inf")  # more: common
    counts = Counter(c for s in subs for c in set(cells[s.key]))
    refs = list(dict.fromkeys([*(cache[c] for c in given), *(c for c, n in counts.items() if n > many)]))
    answers = {s.key: _answers(cells[s.key], set(refs), min_tokens) for s in subs}
    owners: dict[tuple, list[tuple[str, int]]] = defaultdict(list)
    for key, ans in answers.items():
        for i, c in ans.items():
            owners[c].append((key, i))
    uniq = list(owners)
    views = [_profile(c) for c in uniq]
    levels: dict[int, list[int]] = defaultdict(list)  # cells can only match on their first non-empty view
    for u, v in enumerate(views):
        levels[next((k for k, (seq, _) in enumerate(v) if seq), 2)].append(u)
    candidates = {(us[i], us[j]) for k, us in levels.items()
                  for i, j in _candidates([views[u][k][0] for u in us], threshold)}
    sims = [(u, u, 1.0) for u, c in enumerate(uniq) if len(owners[c]) > 1]
    sims += [(u, w, r) for u, w in sorted(candidates) if (r := _similarity(views[u], views[w], threshold))]
    reach = [{key for key, _ in owners[c]} for c in uniq]  # who has this answer or a near-identical one
    for u, w, _ in sims:
        reach[u].update(key for key, _ in owners[uniq[w]])
        reach[w].update(key for key, _ in owners[uniq[u]])
    refs += [c for u, c in enumerate(uniq) if len(reach[u]) > many]  # common once variants count
    ref_views = [_profile(c)[2:] for c in refs]  # the token view: "mostly this cell"
    near: dict[int, set[int]] = {}

    def near_refs(u: int) -> set[int]:  # the given or common cells this answer is mostly a copy of
        if u not in near:
            near[u] = {r for r, ref in enumerate(ref_views) if _similarity(views[u][2:], ref, threshold)}
        return near[u]

    out: list[Flag] = []
    same: set[tuple[str, str]] = set()
    groups: dict[tuple[str, object], list[str]] = defaultdict(list)  # ("sha", digest) or ("code", cells)
    at = {c: u for u, c in enumerate(uniq)}
    for s in subs:  # identical: the same file, or the same code in every cell with an answer of one's own
        if s.sha256 and (answers[s.key] or not s.cells):
            groups["sha", s.sha256].append(s.key)
        if answers[s.key]:
            groups["code", cells[s.key]].append(s.key)
    for (how, _), keys in groups.items():
        if how == "code" and len(keys) > 1 and all(near_refs(at[c]) for c in answers[keys[0]].values()):
            continue
        for pair in combinations(sorted(keys), 2):
            if pair not in same:
                same.add(pair)
                out.append(Flag("identical", pair, note="the same file (identical SHA-256)" if how == "sha" else
                                "the same code in every cell once comments, formatting and variable names are ignored"))
    matches: dict[tuple[str, str], list[tuple[float, int, int]]] = defaultdict(list)
    for u, w, r in sims:
        if near_refs(u) & near_refs(w):
            continue
        for (ka, ia), (kb, ib) in (combinations(owners[uniq[u]], 2) if u == w else
                                   ((x, y) for x in owners[uniq[u]] for y in owners[uniq[w]])):
            if ka != kb:
                matches[min(ka, kb), max(ka, kb)].append((r, *((ia, ib) if ka < kb else (ib, ia))))
    for pair, found in matches.items():
        if pair in same:
            continue
        used_a: set[int] = set()
        used_b: set[int] = set()
        chosen: list[tuple[int, int]] = []
        for r, ia, ib in sorted(found, key=lambda m: (-m[0], m[1], m[2])):  # one-to-one, best first
            if ia not in used_a and ib not in used_b:
                used_a.add(ia)
                used_b.add(ib)
                chosen.append((ia, ib))
                ratio = round(r, 4)  # the lowest so far
        chosen.sort()
        out.append(Flag("similar", pair, tuple(chosen), ratio, _note(*pair, chosen, ratio)))
    return sorted(out, key=lambda f: (f.kind, f.students))


# -- solutions shown, starter notebooks ------------------------------------------------------------
def solution_calls(cells: Sequence[str]) -> dict[str, int]:
    """Question ("q_2") -> index of the first code cell calling ``q_2.solution()`` (or ``q2.solution()``).

    ``q_2.solution`` without a call only shows a bound method's repr, so it does not count.
    """
    found: dict[str, int] = {}
    for idx, source in enumerate(cells):
        code = "\n".join(line for line in source.splitlines() if not _MAGIC.match(line))
        try:
            nums = {m.group(1) for node in ast.walk(ast.parse(code))
                    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "solution" and isinstance(node.func.value, ast.Name)
                    and (m := _QUESTION.fullmatch(node.func.value.id))}
        except Exception:  # SyntaxError, or too deeply nested
            nums = set(_SOLUTION.findall("\n".join(line.split("#")[0] for line in code.splitlines())))
        for n in sorted(nums, key=int):
            found.setdefault(f"q_{int(n)}", idx)
    return found


def starter_cells(exercise_id: str, variant: str = "exercise") -> tuple[str, ...] | None:
    """The code cells of the course notebook ``notebooks/<course>/<ex>.ipynb`` of "<course>.<ex>"
    (``<ex>_solution.ipynb`` for variant "solution"), looked for in the learnkit checkout, then
    under the current directory; None when there is none (or it is another exercise's). Never raises."""
    try:
        if variant not in ("exercise", "solution") or not _EXERCISE_ID.match(exercise_id):
            return None
        import nbformat
        *course, ex = exercise_id.split(".")
        name = ex + ".ipynb" if variant == "exercise" else f"{ex}_solution.ipynb"
        for root in dict.fromkeys([Path(__file__).resolve().parents[2], Path.cwd()]):
            path = root.joinpath("notebooks", *course, name)
            if path.is_file():
                nb = nbformat.read(path, as_version=4)
                if (nb.metadata.get("learnkit") or {}).get("exercise", exercise_id) == exercise_id:
                    return tuple(c.source for c in nb.cells if c.cell_type == "code")
        return None
    except Exception:
        return None
