"""``learnkit grade --dask ADDRESS``: run the submissions on a dask.distributed cluster.

Each task carries the notebook's BYTES (workers may be other machines, with other file systems)
and the grading options. A worker writes a private temporary copy, runs the very same
``learnkit.grading.grade.execute`` as the local pool, and returns the ``Outcome`` (plain data)
plus the executed notebook. Only the coordinator writes the gradebook: the coordinator loop of
``grade`` is unchanged, it is just handed a different pool (``DaskPool``).

``ADDRESS`` is a scheduler (``tcp://host:8786``), or ``local:N`` for a ``LocalCluster`` of N
single-threaded worker processes started (and stopped) by the grader.
"""
from __future__ import annotations

import dataclasses
import re
import shutil
import tempfile
from concurrent.futures import Future
from pathlib import Path


_pools: dict = {}  # per worker process: prepared kernels, kept between tasks


def _worker_kernels(opts):
    """This worker's prepared kernels for ``opts`` (one fork server per worker process, one kernel ahead)."""
    if not opts.prepared_kernels:
        return None
    import atexit

    from learnkit.grading.grade import kernel_pool
    key = (opts.preload, opts.keras_backend, opts.data_dir, opts.workers)
    if key not in _pools:
        for old in _pools.values():  # another batch's kernels: stop them
            old.close()
        _pools.clear()
        _pools[key] = kernel_pool(opts, ahead=1)
        atexit.register(_pools[key].close)
    return _pools[key]


def machine_slots() -> tuple[int, int, int]:
    """On a worker: (its first kernel slot, its threads, kernel slots on its machine). The workers
    on one host, ordered by address, own consecutive slots, so GPUs are shared among all of them
    (``learnkit.runner.gpu``); without the scheduler's answer, this worker counts alone."""
    from distributed import get_client, get_worker
    from distributed.comm.addressing import get_address_host

    me = get_worker()
    mine = max(1, int(me.state.nthreads))
    try:
        host = get_address_host(me.address)
        workers = get_client().scheduler_info(n_workers=-1)["workers"]
        here = sorted((a, max(1, int(w.get("nthreads", 1)))) for a, w in workers.items()
                      if get_address_host(a) == host)
        if me.address in dict(here):
            return sum(n for a, n in here if a < me.address), mine, sum(n for _, n in here)
    except Exception:
        pass
    return 0, mine, mine


def remote_execute(data: bytes, sub, opts):
    """On a worker: grade ``data`` (the submitted file's bytes) as ``sub`` with ``opts``."""
    from learnkit.grading.grade import execute
    from learnkit.runner.gpu import base_env as gpu_base_env

    from learnkit.runner import scratch
    work = Path(tempfile.mkdtemp(prefix="learnkit-dask-", dir=scratch.root()))
    try:
        copy = work / (re.sub(r"[^\w.-]", "_", sub.path.name)[:100] or "submission.ipynb")
        copy.write_bytes(data)
        local = dataclasses.replace(sub, path=copy)
        kernels = _worker_kernels(opts)
        if gpu_base_env():  # this machine's GPUs are shared by the kernels of all its workers
            opts = dataclasses.replace(opts, gpu_slots=machine_slots())
        outcome, nb = execute(local, opts, kernels)
        outcome.submission = sub  # the coordinator's path, not the worker's temp copy
        return outcome, nb
    finally:
        shutil.rmtree(work, ignore_errors=True)


class DaskPool:
    """The part of ``concurrent.futures.Executor`` the grader's coordinator uses, on a Dask cluster.

    ``submit(execute, sub, opts)`` ships the file's bytes; the returned future is a plain
    ``concurrent.futures.Future`` resolving to ``(Outcome, executed notebook)``.
    """

    def __init__(self, address: str):
        from distributed import Client, LocalCluster

        self.cluster = None
        if address.startswith("local:"):
            n = int(address.split(":", 1)[1] or 1)
            self.cluster = LocalCluster(n_workers=max(1, n), threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)
        else:
            self.client = Client(address)
        self._futures: list = []
        self._closed = False

    @property
    def slots(self) -> int:
        """Tasks the cluster runs at once (its worker threads); at least 1."""
        info = self.client.scheduler_info().get("workers", {})
        return max(1, sum(int(w.get("nthreads", 1)) for w in info.values()))

    def submit(self, fn, sub, opts) -> Future:
        from learnkit.grading.grade import execute, failed_outcome

        out: Future = Future()
        if fn is not execute:  # the coordinator only ever submits execute
            out.set_exception(TypeError(f"DaskPool runs learnkit's execute, not {fn!r}"))
            return out
        try:
            data = sub.path.read_bytes()
        except OSError as e:
            out.set_result((failed_outcome(sub, f"cannot read the file ({e.strerror or type(e).__name__})"), None))
            return out
        # pure=False: a resubmitted identical notebook is graded again, never served from a cache
        fut = self.client.submit(remote_execute, data, sub, opts, pure=False, retries=0)
        self._futures.append(fut)

        def done(f):
            try:
                out.set_result(f.result())
            except BaseException as e:  # a lost worker, a pickling problem: one error row, the batch goes on
                out.set_result((failed_outcome(sub, f"the Dask worker could not grade this notebook "
                                             f"({type(e).__name__}: {e})"[:300]), None))

        fut.add_done_callback(done)
        return out

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            if cancel_futures:
                pending = [f for f in self._futures if not f.done()]
                if pending:
                    self.client.cancel(pending)
        finally:
            self.client.close()
            if self.cluster is not None:
                self.cluster.close()


def grade_on_dask(paths, out_dir, opts, address: str, console=None, on_done=None):
    """``grade`` with every submission run on the Dask cluster at ``address`` (or ``local:N``).

    As many submissions are in flight as the cluster has worker threads (``opts.workers`` is set
    to that); each kernel's thread count is decided on its worker (``OMP_NUM_THREADS`` there wins).
    """
    from learnkit.grading.grade import grade

    pool = DaskPool(address)
    try:
        opts = dataclasses.replace(opts, workers=pool.slots)
        return grade(paths, out_dir, opts, console=console, on_done=on_done, pool=pool)
    finally:
        pool.shutdown(cancel_futures=True)
