"""Learning curves in words: one diagnosis of a run, and one comparison of two runs.

``diagnose(history)`` turns the ``CurveFacts`` of a run (``learnkit.keras.curves``) into one
or two sentences for the student; ``compare(before, after, ...)`` compares the minimum loss
of two runs. Both courses (the intro course's ex5 and the Keras course) use these, so the
same curve is described the same way everywhere.
"""
from __future__ import annotations

import math

from learnkit.core.numbers import value as number
from learnkit.i18n import _, _n, gap
from learnkit.keras.curves import as_curve_facts as _facts

__all__ = ["diagnose", "compare"]


def _nonfinite_word(values) -> str:
    bad = [v for v in values if not math.isfinite(v)]
    return _("NaN") if not bad or any(math.isnan(v) for v in bad) else _("infinite")


def diagnose(facts) -> str:
    """One or two sentences for the student about their own learning curve.

    ``facts`` is a ``CurveFacts`` or anything ``curve_facts`` accepts.
    """
    f = _facts(facts)
    n = f.epochs
    if f.val_nan_only:
        return _("Your validation loss was {word} at epoch {e} while the training loss stayed finite — "
                 "check your validation data for missing values.").format(
            word=_nonfinite_word(f.val), e=f.first_nonfinite_epoch)
    if f.all_nan:
        word = _nonfinite_word(f.curve)
        if n == 1:
            return _("The only epoch gave a {word} loss — training diverged.").format(word=word)
        return _("All {n} epochs gave {word} — training diverged.").format(n=n, word=word)
    if f.first_nonfinite_epoch is not None:
        e = f.first_nonfinite_epoch
        word = _nonfinite_word(f.curve[e - 1:e] + f.train[e - 1:e])
        text = _("The loss became {word} at epoch {e} — training diverged.").format(word=word, e=e)
        if f.best_epoch is not None and f.best_epoch < e:
            text += gap(text) + _("Before that, its lowest value was {min} at epoch {best}.").format(
                min=number(f.min_val_loss), best=f.best_epoch)
        return text
    if f.loss_exploded:
        seq = f.train if len(f.train) >= 2 else f.curve
        return _n("Your training loss grew from {a} to {b} over {n} epoch — training diverged.",
                  "Your training loss grew from {a} to {b} over {n} epochs — training diverged.", n).format(
            a=number(seq[0]), b=number(seq[-1]), n=n)
    if not f.has_validation:
        return _n("Your training loss went from {a} to {b} over {n} epoch. Without a validation loss "
                  "(pass validation_data= or validation_split= to fit) overfitting can't be judged.",
                  "Your training loss went from {a} to {b} over {n} epochs. Without a validation loss "
                  "(pass validation_data= or validation_split= to fit) overfitting can't be judged.", n).format(
            a=number(f.curve[0]), b=number(f.final_val_loss), n=n)
    if f.overfitting:
        return _("Your validation loss reached its minimum {min} at epoch {best}, then rose by {gap} "
                 "by epoch {n} — the model overfits after epoch {best}.").format(
            min=number(f.min_val_loss), best=f.best_epoch, gap=number(f.gap_after_min), n=n)
    if f.plateau_start is not None:
        since = (_("after epoch {k}").format(k=f.plateau_start - 1) if f.plateau_start > 1
                 else _("throughout training"))
        if f.train_still_decreasing:
            return _("Your validation loss stayed within {band} of its minimum ({min}) {since} while "
                     "the training loss kept falling — no overfitting.").format(
                band=number(f.plateau_within), min=number(f.min_val_loss), since=since)
        return _("Your validation loss stayed within {band} of its minimum ({min}) {since}, and the "
                 "training loss levelled off too — no overfitting.").format(
            band=number(f.plateau_within), min=number(f.min_val_loss), since=since)
    if f.best_epoch == n or f.val_still_decreasing:
        return _("Your validation loss was still falling at epoch {n} ({final}) — no overfitting yet; "
                 "more epochs could lower it further.").format(n=n, final=number(f.final_val_loss))
    if f.gap_after_min is not None and f.tolerance is not None and f.gap_after_min > f.tolerance \
            and f.train_still_decreasing:
        return _("Your validation loss reached its minimum {min} at epoch {best}, then rose by {gap} "
                 "by epoch {n} while the training loss kept falling — an early sign of "
                 "overfitting.").format(min=number(f.min_val_loss), best=f.best_epoch,
                                        gap=number(f.gap_after_min), n=n)
    if f.gap_after_min is not None and f.tolerance is not None and f.gap_after_min > f.tolerance:
        return _("Your validation loss reached its minimum {min} at epoch {best}, then rose by {gap} "
                 "by epoch {n}, but the training loss stopped falling too — that looks like unstable "
                 "training rather than overfitting.").format(
            min=number(f.min_val_loss), best=f.best_epoch, gap=number(f.gap_after_min), n=n)
    return _("Your validation loss reached its minimum {min} at epoch {best} and ended at {final} — "
             "no clear overfitting.").format(min=number(f.min_val_loss), best=f.best_epoch,
                                             final=number(f.final_val_loss))


def _sentence_start(text: str) -> str:
    return text[:1].upper() + text[1:]


def compare(before, after, label_before: str | None = None, label_after: str | None = None) -> str:
    """One sentence comparing the minimum (validation) loss of two runs.

    ``before``/``after`` are ``CurveFacts`` or anything ``curve_facts`` accepts. Labels
    are phrases like "without batch normalization" / "with batch normalization".
    A run with no finite value is reported as "every epoch gave NaN"; a run that
    diverged midway is compared on its best finite value.
    """
    fb, fa = _facts(before), _facts(after)
    lb = label_before or _("in the first run")
    la = label_after or _("in the second run")
    what = _("validation loss") if fb.has_validation and fa.has_validation else _("loss")
    if fb.all_nan and fa.all_nan:
        return _("Every epoch gave NaN both {lb} and {la}.").format(lb=lb, la=la)
    if fb.all_nan:
        return _("{Lb} every epoch gave NaN; {la} the minimum {what} was {m}.").format(
            Lb=_sentence_start(lb), la=la, what=what, m=number(fa.min_val_loss))
    if fa.all_nan:
        return _("{Lb} the minimum {what} was {m}; {la} every epoch gave NaN.").format(
            Lb=_sentence_start(lb), la=la, what=what, m=number(fb.min_val_loss))
    mb, ma = fb.min_val_loss, fa.min_val_loss
    assert mb is not None and ma is not None  # a run with a finite value has a minimum
    change = ""
    if abs(mb) > 1e-12:
        pct = (ma - mb) / abs(mb) * 100
        if abs(pct) < 0.5:
            change = _("about the same")
        elif pct < 0:
            change = _("{p:.0f}% lower").format(p=-pct)
        else:
            change = _("{p:.0f}% higher").format(p=pct)
    text = _("Minimum {what}: {mb} {lb} → {ma} {la}").format(what=what, mb=number(mb), lb=lb, ma=number(ma), la=la)
    return text + (" ({change}).".format(change=change) if change else ".")
