"""The policy language: grammar, syntax tree, parser and runtime values."""
