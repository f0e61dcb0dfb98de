"""Stand-ins for the data of "Deep learning with Keras": red-wine, hourly-wages, titanic and the
MNIST files (the first-1000 CSV and the IDX images and labels). Each generator ``f(rng, n)``
returns ``n`` rows with the real file's columns and dtypes (a frame), or the IDX array;
``learnkit.data`` imports this module only when a stand-in is asked for."""
from __future__ import annotations

import numpy as np
import pandas as pd

from learnkit.data.synth import choice, clip_round

def red_wine(rng, n):
    fixed = clip_round(rng.normal(8.32, 1.74, n), 4.6, 15.9, 1)
    volatile = clip_round(rng.normal(0.528, 0.179, n), 0.12, 1.58, 3)
    citric = clip_round(0.09 * (fixed - 8.32) + rng.normal(0.27, 0.15, n), 0.0, 1.0, 2)
    sugar = clip_round(rng.lognormal(np.log(2.2), 0.35, n), 0.9, 15.5, 1)
    chlorides = clip_round(rng.lognormal(np.log(0.08), 0.3, n), 0.012, 0.611, 3)
    free = clip_round(rng.lognormal(np.log(13), 0.6, n), 1.0, 72.0, 0)
    total = clip_round(free * 2.4 + rng.lognormal(np.log(12), 0.7, n), 6.0, 289.0, 0)
    alcohol = clip_round(8.4 + rng.gamma(2.2, 0.9, n), 8.4, 14.9, 1)
    density = clip_round(0.9967 + 0.00065 * (fixed - 8.32) - 0.0007 * (alcohol - 10.42)
                          + rng.normal(0, 0.0009, n), 0.99007, 1.00369, 5)
    ph = clip_round(3.31 - 0.06 * (fixed - 8.32) + rng.normal(0, 0.11, n), 2.74, 4.01, 2)
    sulphates = clip_round(rng.lognormal(np.log(0.64), 0.22, n), 0.33, 2.0, 2)
    quality = (5.64 + 0.35 * (alcohol - 10.42) - 1.1 * (volatile - 0.528) + 0.9 * (sulphates - 0.658)
               + rng.normal(0, 0.55, n))
    quality = np.clip(np.round(quality), 3, 8).astype(np.int64)
    return pd.DataFrame({"fixed acidity": fixed, "volatile acidity": volatile, "citric acid": citric,
                         "residual sugar": sugar, "chlorides": chlorides, "free sulfur dioxide": free,
                         "total sulfur dioxide": total, "density": density, "pH": ph,
                         "sulphates": sulphates, "alcohol": alcohol, "quality": quality})


def hourly_wages(rng, n):
    edu = np.clip(np.round(rng.normal(13, 2.6, n)), 2, 18).astype(np.int64)
    age = np.clip(np.round(18 + rng.gamma(2.2, 8.6, n)), 18, 64).astype(np.int64)
    exp_ = np.clip(age - edu - 6, 0, 55).astype(np.int64)
    union = (rng.random(n) < 0.18).astype(np.int64)
    female = (rng.random(n) < 0.46).astype(np.int64)
    south = (rng.random(n) < 0.29).astype(np.int64)
    sector = rng.random(n)
    manufacturing = (sector < 0.185).astype(np.int64)
    construction = ((sector >= 0.185) & (sector < 0.23)).astype(np.int64)
    wage = np.exp(0.75 + 0.08 * edu + 0.025 * exp_ - 0.0004 * exp_ ** 2 + 0.2 * union - 0.22 * female
                  - 0.1 * south + 0.1 * manufacturing + rng.normal(0, 0.42, n))
    return pd.DataFrame({"wage_per_hour": clip_round(wage, 1.0, 44.5, 2), "union": union,
                         "education_yrs": edu, "experience_yrs": exp_, "age": age, "female": female,
                         "marr": (rng.random(n) < 0.66).astype(np.int64), "south": south,
                         "manufacturing": manufacturing, "construction": construction})


def titanic(rng, n):
    pclass = np.asarray(choice(rng, [1, 2, 3], [216, 184, 491], n), dtype=np.int64)
    male = (rng.random(n) < 0.65).astype(np.int64)
    missing = rng.random(n) < 177 / 891
    age = clip_round(rng.normal(np.select([pclass == 1, pclass == 2], [38, 30], 25), 14), 0.42, 80.0, 0)
    age = np.where(missing, 29.69911764705882, age)   # DataCamp filled missing ages with the mean
    fare = clip_round(rng.lognormal(np.log(np.select([pclass == 1, pclass == 2], [60, 15], 9)), 0.5), 0.0, 512.3292, 4)
    port = rng.choice(3, n, p=[0.19, 0.087, 0.723])
    logit = 1.2 - 2.5 * male - 0.9 * (pclass - 2) - 0.02 * (age - 30)
    return pd.DataFrame({
        "survived": (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64), "pclass": pclass,
        "age": age,
        "sibsp": np.asarray(choice(rng, [0, 1, 2, 3, 4, 5, 8], [608, 209, 28, 16, 18, 5, 7], n), dtype=np.int64),
        "parch": np.asarray(choice(rng, [0, 1, 2, 3, 4, 5, 6], [678, 118, 80, 5, 4, 5, 1], n), dtype=np.int64),
        "fare": fare, "male": male, "age_was_missing": missing,
        "embarked_from_cherbourg": (port == 0).astype(np.int64),
        "embarked_from_queenstown": (port == 1).astype(np.int64),
        "embarked_from_southampton": (port == 2).astype(np.int64)})


def digit_images(rng, labels) -> np.ndarray:
    """Fake 28x28 'digits': one fixed smooth stroke per class, shifted and scaled per image."""
    proto_rng = np.random.default_rng(2024)          # the same ten shapes whatever the seed
    yy, xx = np.mgrid[0:28, 0:28]
    protos = np.zeros((10, 28, 28))
    for d in range(10):
        pts = proto_rng.uniform(7, 21, (4, 2))
        for a, b in zip(pts[:-1], pts[1:]):
            for t in np.linspace(0, 1, 12):
                cy, cx = a + t * (b - a)
                protos[d] += np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * 1.3 ** 2))
        protos[d] /= protos[d].max()
    out = np.empty((len(labels), 28, 28), dtype=np.uint8)
    shifts = rng.integers(-2, 3, (len(labels), 2))
    gain = rng.uniform(0.8, 1.2, len(labels))
    for i, lab in enumerate(labels):
        img = np.roll(protos[lab], tuple(shifts[i]), axis=(0, 1)) * gain[i]
        out[i] = np.clip(np.round(255 * (1.4 * img - 0.25)), 0, 255).astype(np.uint8)
    return out


def mnist_first1000(rng, n):
    labels = rng.integers(0, 10, n)
    pixels = digit_images(rng, labels).reshape(n, 784).astype(np.int64)
    return pd.DataFrame(np.column_stack([labels.astype(np.int64), pixels]))




def mnist_labels(rng, n):
    """IDX labels (uint8); with the same seed, the labels ``mnist_images`` draws its digits for."""
    return rng.integers(0, 10, n).astype(np.uint8)


def mnist_images(rng, n):
    """IDX images (uint8, n x 28 x 28) of the labels ``mnist_labels`` gives for the same seed."""
    labels = rng.integers(0, 10, n)
    return digit_images(rng, labels)
