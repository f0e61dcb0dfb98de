"""GPU machines: which GPU each grading kernel uses and how much of its memory it may take.

Without this, every JAX kernel preallocates 75% of the GPU's memory at its first operation and
every TensorFlow kernel nearly all of it, so with several workers on one GPU the second kernel
dies. Each worker **slot** ``i`` of ``N`` (at most ``N`` kernels run at once on a machine) gets:

* ``CUDA_VISIBLE_DEVICES``: one GPU, slots spread round-robin over the machine's GPUs
  (``CUDA_DEVICE_ORDER=PCI_BUS_ID``, so the numbers are the ones ``nvidia-smi`` shows);
* a memory budget ``LEARNKIT_GPU_MEMORY_MB``: ``--gpu-memory`` if given, else that GPU's memory
  divided by the number of slots placed on it, minus a small reserve for the CUDA context each
  process creates outside the framework's allocator;
* JAX: ``XLA_PYTHON_CLIENT_PREALLOCATE=false`` and ``XLA_PYTHON_CLIENT_MEM_FRACTION`` = budget /
  the GPU's memory (3 decimals, rounded down): XLA's allocator never grows past that;
* TensorFlow: ``TF_FORCE_GPU_ALLOW_GROWTH=true``; the budget itself can only be given to TF from
  code: ``apply_tensorflow_limit()`` runs in the kernel before student code.

GPUs are found with ``nvidia-smi`` (restricted to the grader's own ``CUDA_VISIBLE_DEVICES`` when
it is set), or given by ``LEARNKIT_GPUS="0:81920,1:81920"`` (index:MB; ``none``: no GPU).
Without a GPU no variable is set at all.
"""
from __future__ import annotations

import functools
import math
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field

from learnkit.i18n import _n

RESERVE_MB = 512  # per kernel, for the CUDA context (or a tenth of its share, if that is less)


@dataclass(frozen=True)
class Gpu:
    index: int
    memory_mb: int
    uuid: str = ""


def _parse_override(text: str) -> list[Gpu]:
    """``"0:81920,1:81920"`` -> two GPUs; ``""``/``none`` -> none. A malformed entry is an error."""
    if text.strip().lower() in ("", "none", "-1"):
        return []
    found = []
    for part in text.split(","):
        index, _, mb = part.strip().partition(":")
        try:
            found.append(Gpu(int(index), int(float(mb))))
        except ValueError:
            raise ValueError(f"LEARNKIT_GPUS: expected INDEX:MB[,INDEX:MB...], got {text!r}") from None
    return found


def _nvidia_smi() -> list[Gpu]:
    exe = shutil.which("nvidia-smi")
    if not exe:
        return []
    try:
        out = subprocess.run([exe, "--query-gpu=index,memory.total,uuid", "--format=csv,noheader,nounits"],
                             capture_output=True, text=True, timeout=20, check=True).stdout
    except (OSError, subprocess.SubprocessError):  # no driver, a hung GPU: grade as without one
        return []
    found = []
    for line in out.splitlines():
        fields = [f.strip() for f in line.split(",")]
        try:
            found.append(Gpu(int(fields[0]), int(float(fields[1])), fields[2] if len(fields) > 2 else ""))
        except (ValueError, IndexError):  # "[N/A]" memory (e.g. a MIG parent): not usable here
            continue
    return found


@functools.lru_cache(maxsize=8)
def _discover(override: str | None, visible: str | None) -> tuple[Gpu, ...]:
    found = _parse_override(override) if override is not None else _nvidia_smi()
    if visible is not None and override is None:  # the grader itself was given some GPUs only
        wanted = {v.strip() for v in visible.split(",") if v.strip()}
        if not wanted or wanted & {"-1", "none", "NoDevFiles"}:
            return ()
        found = [g for g in found if str(g.index) in wanted or (g.uuid and g.uuid in wanted)]
    return tuple(found)


def gpus(environ=None) -> list[Gpu]:
    """The GPUs this machine's kernels may use (``LEARNKIT_GPUS`` wins over ``nvidia-smi``)."""
    env = os.environ if environ is None else environ
    return list(_discover(env.get("LEARNKIT_GPUS"), env.get("CUDA_VISIBLE_DEVICES")))


def base_env(found: list[Gpu] | None = None) -> dict:
    """Variables every kernel on a GPU machine gets, whatever its slot (empty without a GPU)."""
    if not (gpus() if found is None else found):
        return {}
    return {"CUDA_DEVICE_ORDER": "PCI_BUS_ID", "XLA_PYTHON_CLIENT_PREALLOCATE": "false",
            "TF_FORCE_GPU_ALLOW_GROWTH": "true"}


def slot_env(slot: int, workers: int, memory_mb: float | None = None, found: list[Gpu] | None = None) -> dict:
    """The GPU variables of the kernel in worker slot ``slot`` of ``workers`` on this machine.

    ``memory_mb`` (``--gpu-memory``) is the budget of every kernel; default: the GPU's memory
    divided by the slots placed on it, minus ``RESERVE_MB`` (or a tenth of that share). Empty
    without a GPU.
    """
    found = gpus() if found is None else found
    if not found:
        return {}
    workers = max(1, int(workers))
    g = slot % len(found)
    gpu = found[g]
    if memory_mb:
        budget = int(memory_mb)
    else:
        sharing = len(range(g, max(workers, g + 1), len(found)))  # slots g, g+G, g+2G... < workers
        share = gpu.memory_mb // sharing
        budget = share - min(RESERVE_MB, share // 10)
    budget = max(1, min(budget, gpu.memory_mb))
    fraction = max(0.001, math.floor(1000 * budget / gpu.memory_mb) / 1000)
    return {**base_env(found), "CUDA_VISIBLE_DEVICES": str(gpu.index), "LEARNKIT_GPU_MEMORY_MB": str(budget),
            "XLA_PYTHON_CLIENT_MEM_FRACTION": f"{fraction:.3f}"}


def describe(workers: int, memory_mb: float | None = None, found: list[Gpu] | None = None) -> str:
    """One line: how ``workers`` kernels are placed on this machine's GPUs ("" without a GPU)."""
    found = gpus() if found is None else found
    if not found:
        return ""
    per: dict[str, list[str]] = {}
    for i in range(max(1, workers)):
        e = slot_env(i, workers, memory_mb, found)
        per.setdefault(e["CUDA_VISIBLE_DEVICES"], []).append(e["LEARNKIT_GPU_MEMORY_MB"])
    return "GPU: " + "; ".join(
        f"GPU {g} ({next(x.memory_mb for x in found if str(x.index) == g)} MB): "
        + _n("{n} kernel of {mb} MB", "{n} kernels of {mb} MB", len(mbs)).format(n=len(mbs), mb=mbs[0])
        for g, mbs in per.items())


def apply(env: dict, slot_vars: dict) -> dict:
    """``env`` with ``slot_vars`` set; ``XLA_CLIENT_MEM_FRACTION`` is dropped when they set the
    fraction (jaxlib refuses to start with both names set)."""
    if "XLA_PYTHON_CLIENT_MEM_FRACTION" in slot_vars:
        env.pop("XLA_CLIENT_MEM_FRACTION", None)
    env.update(slot_vars)
    return env


@dataclass
class Lease:
    """One worker slot, held while its kernel runs; ``env`` holds its GPU variables."""
    slot: int
    env: dict = field(default_factory=dict)
    _key: tuple | None = None

    def release(self) -> None:
        if self._key is not None:
            with _lock:
                _free[self._key].append(self.slot)
                _free[self._key].sort()
            self._key = None


_lock = threading.Lock()
_free: dict[tuple, list[int]] = {}
_spill: dict[tuple, int] = {}


def lease(first: int, count: int, workers: int, memory_mb: float | None = None) -> Lease:
    """A free slot among ``first .. first+count-1`` of this process (``workers`` slots on the whole
    machine), with its GPU variables. Never blocks: more leases than slots share slots round-robin."""
    try:
        found = gpus()
    except ValueError:  # a malformed LEARNKIT_GPUS (``learnkit grade`` refuses it before the batch)
        found = []
    if not found:
        return Lease(first)
    key = (first, max(1, count))
    with _lock:
        free = _free.setdefault(key, list(range(first, first + key[1])))
        if free:
            slot, owned = free.pop(0), key
        else:  # more runs than slots (should not happen): share one
            _spill[key] = _spill.get(key, -1) + 1
            slot, owned = first + _spill[key] % key[1], None
    return Lease(slot, slot_env(slot, workers, memory_mb, found), owned)


# -- in the kernel ------------------------------------------------------------------------------

def _limit_tensorflow(tf, mb: int) -> int:
    """Give every GPU TF sees one logical device of ``mb`` MB; the number of GPUs limited."""
    try:
        devices = tf.config.list_physical_devices("GPU")
        for d in devices:
            tf.config.set_logical_device_configuration(d, [tf.config.LogicalDeviceConfiguration(memory_limit=mb)])
        return len(devices)
    except (RuntimeError, ValueError, AttributeError):  # TF already initialised its GPUs: too late
        return 0


class _AfterTensorflowImport:
    """A meta path finder that applies the limit right after ``import tensorflow`` finishes."""

    def __init__(self, mb: int):
        self.mb = mb

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        if self in sys.meta_path:
            sys.meta_path.remove(self)  # once, and not while looking the module up below
        import importlib.abc
        import importlib.util
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        loader = spec.loader
        exec_module, mb = loader.exec_module, self.mb

        class _Loader(importlib.abc.Loader):  # tensorflow's own loader, plus the limit
            def __getattr__(self, attr):
                return getattr(loader, attr)

            def create_module(self, spec):
                return loader.create_module(spec)

            def exec_module(self, module):
                exec_module(module)
                _limit_tensorflow(module, mb)

        spec.loader = _Loader()
        return spec


def apply_tensorflow_limit(environ=None) -> int | None:
    """Cap TensorFlow's GPU memory at ``LEARNKIT_GPU_MEMORY_MB`` (run in a kernel before student code).

    TensorFlow already imported: the limit is set now (the number of GPUs limited is returned).
    Installed but not imported: it is set right after the first ``import tensorflow`` (returns
    None), so a kernel that never uses TF never pays for importing it. No variable, no TF, or no
    GPU: nothing happens.
    """
    env = os.environ if environ is None else environ
    try:
        mb = int(float(env.get("LEARNKIT_GPU_MEMORY_MB") or 0))
    except ValueError:
        return None
    if mb <= 0:
        return None
    if "tensorflow" in sys.modules:
        return _limit_tensorflow(sys.modules["tensorflow"], mb)
    import importlib.util
    try:
        installed = importlib.util.find_spec("tensorflow") is not None
    except (ImportError, ValueError):
        installed = False
    if installed and not any(isinstance(f, _AfterTensorflowImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterTensorflowImport(mb))
    return None
