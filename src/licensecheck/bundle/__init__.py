"""Submission bundles: a declaration, its evidence and its report, packed for a reviewer.

Enters: a declaration file and a pack (to create), or a zip from anyone (to verify). Leaves:
a reproducible zip with a sha256 manifest and an optional ed25519 signature over it; or a
verdict naming every altered, missing or extra member, the signature's state, whether the
installed pack is the one the bundle names, and what differs when the assessment is re-run
offline. A bundle is never extracted: members are read from the zip within fixed bounds.
"""
