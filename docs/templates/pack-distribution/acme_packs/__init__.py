"""Acme's licensecheck policy packs: each folder here beside this file is one pack."""
