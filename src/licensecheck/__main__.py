"""``python -m licensecheck`` and the ``licensecheck`` command: the CLI, and Ctrl-C during
start-up (before the CLI's own handlers exist) reported as the CLI reports it, not as a
traceback."""

from __future__ import annotations

import gc
import sys


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
    gc.enable()
    main()


if __name__ == "__main__":
    run()
