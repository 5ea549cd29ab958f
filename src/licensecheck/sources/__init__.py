"""Reading the user's files with positions and limits.

Enters: a path (or text) and the limits in force. Leaves: decoded text, plain values with the
``file:line:col`` of every key and item (YAML and JSON readers), declaration path syntax, and
small tool-format files (waivers) as validated models. Nothing here knows what a declaration
or a pack means.
"""
