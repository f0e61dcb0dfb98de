"""The one configuration object of a grading batch."""
from __future__ import annotations

import os
from dataclasses import dataclass

from learnkit.runner import sandbox as sandbox_mod
from learnkit.runner.limits import DEFAULT_MEMORY_MB, DEFAULT_OUTPUT_MB


@dataclass
class Options:
    workers: int = os.cpu_count() or 2
    cell_timeout: float = 600
    timeout: float | None = 1800
    memory_mb: float | None = DEFAULT_MEMORY_MB
    max_output_mb: float = DEFAULT_OUTPUT_MB
    force: bool = False
    keras_backend: str | None = None
    data_dir: str | None = None  # LEARNKIT_DATA for the kernels (default: the grader's)
    standin_note: str | None = None  # shown on the reports (default: detected from the data folder)
    save_notebooks: bool = True  # executed copies in OUT/executed/
    prepared_kernels: bool = True  # kernels forked ahead from a server that did the imports (see runner.pool)
    jax_cache: bool = True  # with the jax backend, kernels share a compilation cache (jax_cache_dir)
    preload: tuple = ()  # modules prepared kernels import (default: decided per batch, batch_preload)
    gpu_memory_mb: float | None = None  # GPU memory per kernel (default: its GPU's share; see runner.gpu)
    gpu_slots: tuple | None = None  # (first, count, on machine) worker slots here; default (0, workers, workers)
    sandbox: bool = True  # every kernel in its own sandbox (learnkit.runner.sandbox); False: NOT SANDBOXED
    write_quota_mb: float = sandbox_mod.DEFAULT_QUOTA_MB  # a sandboxed kernel's /tmp and working folder, each
    hide: tuple = ()  # host folders kernels must not see even under a visible one (grade: submissions, --out)
    # the class: who is who and when work was due (parsed by the CLI; None: what the gradebook already holds)
    roster: object | None = None       # learnkit.grading.roster.Roster
    manifest: dict | None = None       # file name -> learnkit.grading.lateness.ManifestEntry (submission times)
    late_policy: object | None = None  # learnkit.grading.lateness.LatePolicy
