"""Policy packs: finding them, reading ``pack.yaml`` and parsing their rules files.

Enters: a pack id (looked up on the pack search path, then among the bundled packs) or a
folder. Leaves: a :class:`~licensecheck.packs.loader.LoadedPack` graph (manifest with
positions, parsed modules, parents, ``schema.json`` fragments) and the declaration schema
merged with the lineage's extensions.
"""
