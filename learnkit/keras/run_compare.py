"""Curve checks across runs: one run must beat another on a metric, or stay on one side of a line.

    BetterRun("val_accuracy", better="history_zeros", worse="history_noise", by=0.02)
    StaysBelow("val_accuracy", 0.5, note="A learning rate of 1.0 should keep it near chance.")

``BetterRun`` is a ``TrainingProblem(compare=[...])`` check: it gets ``{var: history}`` and compares
the best epoch of each run (the highest value for accuracies, the lowest for losses, as
``early_stopping.higher_is_better`` says). ``StaysBelow`` is a ``RunSpec(curve=[...])`` check on one
run: every finite epoch below the line (a diverging run's NaN epochs count as below). Both return
None when the runs agree, else one message for the student; both read the same History facts under
TensorFlow and JAX.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

from learnkit.core.numbers import value as number
from learnkit.i18n import _, content, gap
from learnkit.keras.early_stopping import higher_is_better
from learnkit.keras.training import find_key


def _values(history, key: str) -> tuple[str | None, list[float]]:
    """The History key meaning ``key`` and its values per epoch (NaN for a missing or non-finite one)."""
    log = dict(getattr(history, "history", None) or {})
    found = find_key(log, key)
    if found is None:
        return None, []
    values = [math.nan if v is None else float(v) for v in log[found]]
    return found, [v if math.isfinite(v) else math.nan for v in values]


@dataclass(frozen=True)
class BetterRun:
    """The best ``key`` of run ``better`` beats the best of run ``worse`` by at least ``by`` (a negative ``by``
    is a band: ``better`` may fall short by up to ``-by``, the runs' own noise)."""

    key: str
    better: str
    worse: str
    by: float = 0.0
    note: str = ""  # what usually causes the wrong order, e.g. "Did you swap the two arrays?"

    def __call__(self, runs: Mapping) -> str | None:
        best = {}
        for var in (self.better, self.worse):
            key, values = _values(runs[var], self.key)
            values = [v for v in values if not math.isnan(v)]
            if key is None:
                return _("`{name}` has no '{key}': compile with the metric and fit with validation data.").format(
                    name=var, key=self.key)
            if not values:
                return _("`{name}['{key}']` has no finite value: training diverged.").format(name=var, key=key)
            best[var] = max(values) if higher_is_better(key) else min(values)
        up = higher_is_better(self.key)
        margin = best[self.better] - best[self.worse] if up else best[self.worse] - best[self.better]
        if margin >= self.by:
            return None
        if self.by > 0:
            how = (_("`{better}`'s should be above `{worse}`'s by at least {by:g}.") if up else
                   _("`{better}`'s should be below `{worse}`'s by at least {by:g}."))
        elif self.by < 0:  # a band: the runs' own noise may put it slightly on the other side
            how = (_("`{better}`'s should not be more than {by:g} below `{worse}`'s.") if up else
                   _("`{better}`'s should not be more than {by:g} above `{worse}`'s."))
        else:
            how = (_("`{better}`'s should be above `{worse}`'s.") if up else
                   _("`{better}`'s should be below `{worse}`'s."))
        text = _("The best {key} of `{better}` is {a} and that of `{worse}` is {b};").format(
            key=self.key, better=self.better, worse=self.worse, a=number(best[self.better]),
            b=number(best[self.worse]))
        text += gap(text) + how.format(better=self.better, worse=self.worse, by=abs(self.by))
        note = content(self.note) if self.note else ""
        return text + gap(text) + note if note else text


@dataclass(frozen=True)
class StaysBelow:
    """Every finite epoch of ``key`` is below ``limit`` (a ``RunSpec.curve`` check)."""

    key: str
    limit: float
    note: str = ""

    def __call__(self, history, name: str = "history") -> str | None:
        key, values = _values(history, self.key)
        if key is None:
            return _("`{name}` has no '{key}': compile with the metric and fit with validation data.").format(
                name=name, key=self.key)
        over = next((i for i, v in enumerate(values) if not math.isnan(v) and v >= self.limit), None)
        if over is None:
            return None
        text = _("`{name}`'s {key} reached {got} at epoch {e}; this run should stay below {limit:g}.").format(
            name=name, key=key, got=number(values[over]), e=over + 1, limit=self.limit)
        note = content(self.note) if self.note else ""
        return text + gap(text) + note if note else text
