"""``python -m licensecheck`` and the ``licensecheck`` command: the CLI, and Ctrl-C during
start-up (before the CLI's own handlers exist) reported as the CLI reports it, not as a
traceback."""

from __future__ import annotations

import atexit
import gc
import os
import sys
import threading
from typing import NoReturn


def run() -> None:
    """Import and run the CLI; an interruption while importing exits 130 with a message."""
    # Importing the CLI and its dependencies leaves some 55,000 objects the collector tracks
    # and next to no garbage (~600 objects in cycles), yet set off some 80 collections, each
    # walking the young objects again (~10% of a cold check, issue #12). What the imports
    # made lives as long as the process: frozen, the command's own collections skip it (and
    # a batch finds the heap frozen already, engine/batch.py).
    gc.disable()
    try:
        from .cli import main
    except KeyboardInterrupt:
        sys.stderr.write("licensecheck: interrupted; no partial output was written\n")
        sys.exit(130)
    gc.freeze()
    # The command's own objects are few and short-lived: a young collection every 700
    # allocations (the default) ran 13 times in a cold check, every 5,000 twice (~1.3 ms
    # less, issue #12); what a long batch leaves in cycles waits a little longer.
    gc.set_threshold(5000)
    gc.enable()
    try:
        main()
    except SystemExit as done:
        _exit(done)


def _exit(done: SystemExit) -> NoReturn:
    """End the process with ``done``'s status, its output flushed, without the interpreter
    freeing every module and object one by one first (~6 ms of a cold check, issue #12):
    the operating system takes the memory back at once. Every file the CLI writes is closed
    (and renamed into place) before this, and workspaces are closed by their ``with``. The
    usual exit is kept where it would do more than free memory: a status to print, another
    thread to wait for, exit handlers to run (coverage, temporary folders), or output that
    cannot be flushed."""
    status = 0 if done.code is None else done.code
    # how many exit handlers are registered: CPython's own count (not a public name, so
    # without it the usual exit is taken, as with any handler)
    handlers = getattr(atexit, "_ncallbacks", lambda: 1)()
    if (
        not isinstance(status, int)
        or not 0 <= status <= 255
        or threading.active_count() > 1
        or handlers
    ):
        raise done
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe, a closed stream: reported as usual
        raise done from None
    os._exit(status)


if __name__ == "__main__":
    run()
