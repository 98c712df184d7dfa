"""Wall-clock limits on work that user data drives (rule expressions, templates)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class TimeLimitExceeded(Exception):
    """The work under a deadline() did not finish in time."""


class _Expired(BaseException):
    """Raised by the timer; a BaseException so that no ``except Exception`` on the way swallows it."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Stop the block with TimeLimitExceeded after seconds of wall-clock time.

    Uses SIGALRM, so it works in the main thread of any process (the validation workers
    are processes); elsewhere, or inside another deadline, the block runs unbounded by
    this one. C code that never returns to the interpreter is not interrupted: callers
    refuse such work (huge powers, backtracking regexes) before it starts.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield
        return

    armed = [True]

    def expire(signum: int, frame: Any) -> None:
        if armed[0]:  # the timer may fire while the block is being left: then it is too late to matter
            raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    except _Expired:
        raise TimeLimitExceeded from None
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
