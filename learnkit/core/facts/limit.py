"""Time limits on student code run in this process, and Ctrl-C held back while learnkit restores state.

A check runs every call of a student function with a time limit (the problem's ``call_timeout``,
``DEFAULT_CALL_TIMEOUT`` unless the problem says otherwise). In a grading kernel the call runs in a
forked child that the kernel kills at the limit (``learnkit.runner.isolate``). In the student's own
kernel (``q_N.check()``), and in a grading kernel where TensorFlow or JAX runs (a forked child would
hang: ``isolate.run_call``), it runs here, under ``time_limit``: an interval timer (``SIGALRM``) whose
handler raises ``CallTimeout`` inside the student's code.

What ``time_limit`` cannot do:

* it only works in the main thread of the process (where Python runs signal handlers) and where
  ``signal.setitimer`` exists (not on Windows); elsewhere the call runs WITHOUT a limit;
* Python runs the handler between bytecodes, so a call blocked in C code (a long numpy operation, a
  Keras ``predict``/model call inside TensorFlow or JAX, a ``time.sleep`` is fine) is only stopped
  when that C code returns to Python: the check may then take longer than the limit;
* a student function that catches ``BaseException`` (a bare ``except:``) in a loop can swallow the
  timeout; the timer fires again every ``REFIRE`` seconds, and a call that ran past its limit
  counts as timed out even if it then returns.

``CallTimeout`` is a ``BaseException`` so that ``except Exception`` in student code does not catch it.
"""
from __future__ import annotations

import signal
import threading
import time
from typing import Literal

DEFAULT_CALL_TIMEOUT = 5.0   # seconds one call of student code may take, unless the problem says otherwise
REFIRE = 0.5                 # seconds between further alarms once the limit has passed

_active: list = []           # the time_limit in force (nested limits leave the outer one in charge)


class CallTimeout(BaseException):
    """Raised inside student code when its call ran past its limit (never leaves learnkit)."""


def _can_signal() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class time_limit:
    """``with time_limit(seconds) as limit:`` raise ``CallTimeout`` in the body after ``seconds``.

    ``limit.expired`` says afterwards whether the limit passed (also when the body swallowed the
    exception). ``seconds=None`` or ``0``, a thread other than the main thread, a platform without
    ``setitimer`` or a limit already in force: no (new) limit. The previous SIGALRM handler and
    interval timer are restored on the way out, whatever happens.
    """

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.expired = False
        self._armed = False

    def _alarm(self, signum, frame) -> None:
        self.expired = True
        if self._armed and (frame is None or frame.f_code not in _OWN_CODE):
            raise CallTimeout()

    def __enter__(self) -> "time_limit":
        if not self.seconds or self.seconds <= 0 or _active or not _can_signal():
            return self
        with interrupts_deferred():
            self._previous = _handler(signal.signal(signal.SIGALRM, self._alarm))
            self._started = time.monotonic()
            self._old_timer = signal.setitimer(signal.ITIMER_REAL, self.seconds, REFIRE)
            self._armed = True
            _active.append(self)
        return self

    def __exit__(self, *exc) -> Literal[False]:  # exceptions pass through
        if not self._armed:
            return False
        self._armed = False  # from here on the handler only notes the alarm
        with interrupts_deferred():
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)
            delay, interval = self._old_timer
            if delay > 0:  # someone else's timer was running: let it go on
                left = delay - (time.monotonic() - self._started)
                signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), interval)
            _active.remove(self)
        return False


class interrupts_deferred:
    """``with interrupts_deferred():`` Ctrl-C (SIGINT) waits until the block is done, then acts as usual.

    For the few statements that put state back (a student's global, the alarm handler, the facts
    context, a line of the progress log): an interruption there would leave them half done. Only in
    the main thread (elsewhere SIGINT never runs Python code anyway).
    """

    def __enter__(self):
        self._pending: list = []
        self._installed = False
        if threading.current_thread() is threading.main_thread():
            try:
                previous = signal.signal(signal.SIGINT, lambda signum, frame: self._pending.append(frame))
            except (ValueError, OSError):  # pragma: no cover - no signals here
                return self
            self._previous, self._installed = _handler(previous), True
        return self

    def __exit__(self, *exc) -> Literal[False]:  # exceptions pass through
        if not self._installed:
            return False
        signal.signal(signal.SIGINT, self._previous)
        if self._pending:
            if callable(self._previous):
                self._previous(signal.SIGINT, self._pending[0])
            elif self._previous == signal.SIG_DFL:
                raise KeyboardInterrupt
        return False


def _handler(previous):
    """What ``signal.signal`` returned, as something it accepts back (None: not set from Python)."""
    return signal.SIG_DFL if previous is None else previous


_OWN_CODE = {time_limit.__exit__.__code__, interrupts_deferred.__enter__.__code__,
             interrupts_deferred.__exit__.__code__}
