"""Stand-ins for the data of the deep learning logbook: Keras's Boston housing archive and d2l's
Time Machine text. Each generator ``f(rng, n)`` returns what the real file holds for ``n`` rows
(``{"y": …, "x": …}``) or lines (the text); ``learnkit.data`` imports this module only when a
stand-in is asked for, and every use of one is loud."""
from __future__ import annotations

import numpy as np

from learnkit.data.synth import clip_round, words

# The 13 Boston features: (mean, sd, low, high, decimals), roughly as in the real file.
_BOSTON = [(3.6, 8.6, 0.006, 89.0, 5), (11.4, 23.3, 0.0, 100.0, 1), (11.1, 6.9, 0.46, 27.7, 2),
           (0.07, 0.25, 0.0, 1.0, 0), (0.55, 0.12, 0.385, 0.871, 3), (6.28, 0.70, 3.56, 8.78, 3),
           (68.6, 28.1, 2.9, 100.0, 1), (3.8, 2.1, 1.13, 12.1, 4), (9.5, 8.7, 1.0, 24.0, 0),
           (408.0, 168.5, 187.0, 711.0, 0), (18.5, 2.2, 12.6, 22.0, 1), (356.7, 91.3, 0.32, 396.9, 2),
           (12.7, 7.1, 1.73, 37.97, 2)]


def boston_housing(rng, n):
    """``n`` made-up suburbs: x (n, 13) float64 in the real columns' ranges, y the median value in k$
    (5 to 50), driven mostly by rooms (column 5) and lower status (column 12), as in the real data."""
    cols = [clip_round(rng.normal(m, s, n), lo, hi, d) for m, s, lo, hi, d in _BOSTON]
    cols[3] = (rng.random(n) < 0.07).astype(float)
    x = np.column_stack(cols).astype(np.float64)
    y = 22.5 + 6.0 * (x[:, 5] - 6.28) - 0.5 * (x[:, 12] - 12.7) - 0.1 * (x[:, 0] - 3.6) + rng.normal(0, 3.0, n)
    return {"y": clip_round(y, 5.0, 50.0, 1).astype(np.float64), "x": x}


def timemachine(rng, n):
    """``n`` lines of made-up words (and some punctuation and blank lines), starting with the real
    first line so that it is recognisable as a stand-in of *The Time Machine*."""
    lines = ["The Time Machine, by H. G. Wells [1898] (STAND-IN TEXT: generated, not the book)"]
    for i in range(1, n):
        if rng.random() < 0.15:
            lines.append("")
            continue
        line = " ".join(words(rng, int(rng.integers(4, 12)), max_words=1))
        lines.append(line + (". " if rng.random() < 0.3 else ", ") + str(int(rng.integers(0, 100))))
    return "\n".join(lines[:n]) + "\n"
