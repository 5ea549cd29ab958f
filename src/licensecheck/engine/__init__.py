"""The engine: a loaded pack and a declaration in, an assessment out.

Enters: a :class:`~licensecheck.packs.loader.LoadedPack`, a
:class:`~licensecheck.declaration.loader.Declaration` and a date. Stages: static checks and
composition (:mod:`.check` running the named stages of :mod:`.checks`, :mod:`.compose`),
giving the checked rules of :mod:`.rules`; compilation to closures (:mod:`.compile`) over
:mod:`.runtime`; evaluation with witnesses (:mod:`.evaluate`), waivers and baselines,
batches, and the one blocking gate (:mod:`.gate`). Leaves: an
:class:`~licensecheck.engine.models.Assessment` (the JSON report contract) and exit codes.
:mod:`.pipeline` is the single-file path through it.
"""
