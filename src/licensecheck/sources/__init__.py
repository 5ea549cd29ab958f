"""Reading the user's files with positions and limits.

Enters: a path (or text, or an in-memory mapping) and the limits in force (``limits``).
Leaves: decoded text read by the one file reader (``text``), plain values with the
``file:line:col`` of every key and item (``parse`` over ``yaml_reader`` and ``json_reader``;
``mapping`` for in-memory values), path syntax (``paths``), and small tool-format files
(waivers) as validated models (``modelfile``, ``validation``). Nothing here knows what a
declaration or a pack means: callers name their kind of file and the error to raise.
"""
