"""Run a script under KERAS_BACKEND=jax in a subprocess (the backend is fixed when keras is first imported, and
the test process uses TensorFlow) and return the JSON it printed on its ``JSON:`` line."""
import json
import os
import subprocess
import sys
import pytest

from repo import ROOT


def run_under_jax(script: str) -> dict:
    try:
        import jax  # noqa: F401
    except Exception as e:  # pragma: no cover - depends on the environment
        pytest.skip(f"JAX is not installed or does not import ({type(e).__name__}: {e}); "
                    f"install learnkit[jax] to test the JAX backend")
    env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3", JAX_PLATFORMS="cpu",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    proc = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("JSON:"))
    return json.loads(line[len("JSON:"):])
