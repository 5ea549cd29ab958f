"""``python -m licensecheck`` and the ``licensecheck`` command: the CLI, and Ctrl-C during
start-up (before the CLI's own handlers exist) reported as the CLI reports it, not as a
traceback."""

from __future__ import annotations

import sys


def run() -> None:
    """Import and run the CLI; an interruption while importing exits 130 with a message."""
    try:
        from .cli import main
    except KeyboardInterrupt:
        sys.stderr.write("licensecheck: interrupted; no partial output was written\n")
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
