"""The grader's side of one kernel: a kernel manager for this interpreter (optionally sandboxed)
and stopping it for good. ``run_notebook`` and the kernel pool start and stop kernels through here."""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from learnkit.runner import scratch


def kernel_manager(env: dict, sandbox=None):
    """A kernel running *this* interpreter (not whatever 'python3' a user spec names).

    Async, like nbclient's default: with a blocking client a dead kernel hangs the iopub wait.
    ``sandbox``: a ``learnkit.runner.sandbox.Sandbox``: the kernel starts inside it (bwrap) and
    talks over ipc sockets in its private folder; interrupts go by message (no signal crosses bwrap).
    """
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    spec_dir = Path(tempfile.mkdtemp(prefix="learnkit-kspec-", dir=scratch.root()))
    (spec_dir / "learnkit").mkdir()
    (spec_dir / "learnkit" / "kernel.json").write_text(json.dumps({
        "argv": sandbox.kernel_command() if sandbox is not None else
        [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "learnkit", "language": "python",
        **({"interrupt_mode": "message"} if sandbox is not None else {})}))
    ksm = KernelSpecManager(kernel_dirs=[str(spec_dir)], ensure_native_kernel=False)
    km = AsyncKernelManager(kernel_name="learnkit", kernel_spec_manager=ksm)
    if sandbox is not None:
        sandbox.configure(km)
    else:  # not a mkstemp file in the temp folder (jupyter_client's default): it would outlive a killed grader
        km.connection_file = str(spec_dir / "connection.json")
    return km, spec_dir


def stop_kernel(km, kc=None) -> None:
    """Stop the kernel of ``km`` at once, free its resources and close the client ``kc``'s channels
    (what nbclient does for a kernel manager it owns). Never raises: the kernel may be gone already."""
    from jupyter_core.utils import run_sync

    try:
        if run_sync(km.is_alive)():
            run_sync(km.shutdown_kernel)(now=True)
    except Exception:
        pass
    try:
        run_sync(km.cleanup_resources)()
    except Exception:
        pass
    if kc is not None:
        try:
            kc.stop_channels()
        except Exception:
            pass
