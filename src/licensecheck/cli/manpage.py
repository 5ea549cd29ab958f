"""The manual page: the click commands → ``docs/licensecheck.1`` (roff, ``man`` section 1).

Generated from the commands themselves, so that it cannot drift from ``--help``:
``python -m licensecheck.cli.manpage > docs/licensecheck.1`` (a test checks the file is in
sync). No date in the page: the same commands give the same bytes. Read it with
``man ./docs/licensecheck.1``.
"""

from __future__ import annotations

import re

import click

from .._version import __version__

_SECTIONS_AFTER = r"""
.SH EXIT STATUS
.TP
.B 0
nothing at or above \-\-fail\-on
.TP
.B 1
gaps at or above \-\-fail\-on
.TP
.B 2
usage or input error (bad arguments, unreadable or invalid declaration, broken pack)
.TP
.B 130, 143
interrupted (Ctrl\-C) or terminated; no partial output is written
.SH ENVIRONMENT
.TP
.B LICENSECHECK_CEILING_DIRECTORIES
folders the searches for a configuration and a workspace stop below (as GIT_CEILING_DIRECTORIES)
.TP
.B LICENSECHECK_PACK_PATH
folders of pack folders searched for pack ids after \-\-pack\-path
.TP
.B NO_COLOR
when set and not empty, the text output has no colour (unless \-\-color)
.TP
.B _LICENSECHECK_COMPLETE
shell completion: bash_source, zsh_source or fish_source prints the completion script
.SH FILES
.TP
.B licensecheck.toml, pyproject.toml [tool.licensecheck]
option defaults, from the nearest one up from the working directory
.SH SEE ALSO
README.md, docs/ci.md, docs/reports.md, docs/language.md, docs/diagnostics.md
"""


def manpage(group: click.Group) -> str:
    """The roff text of the manual page of ``group`` and every command below it."""
    # contexts as click makes them, with the group's settings (-h for help) passed down
    ctx = click.Context(group, info_name="licensecheck", **group.context_settings)
    lines = [
        f'.TH LICENSECHECK 1 "" "licensecheck {__version__}" "User Commands"',
        ".SH NAME",
        r"licensecheck \- " + _roff(_first_line(group.help or "")),
        ".SH SYNOPSIS",
        ".B licensecheck",
        _roff(" ".join(group.collect_usage_pieces(ctx))),
        ".SH DESCRIPTION",
        *_paragraphs(group.help or ""),
        ".SH OPTIONS",
        *_options(group, ctx),
        ".SH COMMANDS",
    ]
    for path, command in _commands(group, ctx):
        lines += _command(path, command, ctx)
    return "\n".join(lines) + _SECTIONS_AFTER


def _commands(
    group: click.Group, ctx: click.Context, prefix: str = "licensecheck"
) -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name in sorted(group.list_commands(ctx)):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            sub = click.Context(command, info_name=name, parent=ctx, **command.context_settings)
            found += _commands(command, sub, path)
        else:
            found.append((path, command))
    return found


def _command(path: str, command: click.Command, parent: click.Context) -> list[str]:
    ctx = click.Context(
        command, info_name=path.split()[-1], parent=parent, **command.context_settings
    )
    usage = " ".join(command.collect_usage_pieces(ctx))
    return [
        f'.SS "{_roff(path)}"',
        f".B {_roff(path)}",
        _roff(usage),
        ".PP",
        *_paragraphs(command.help or ""),
        *_options(command, ctx),
    ]


def _options(command: click.Command, ctx: click.Context) -> list[str]:
    lines: list[str] = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        names, help_text = record
        lines += [".TP", rf"\fB{_roff(names)}\fR", _roff(help_text) or r"\&"]
    return lines


def _paragraphs(text: str) -> list[str]:
    """click's help text (``\\b`` marks a block kept as written) as roff paragraphs."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        if block.startswith("\b"):
            out += [".PP", ".nf", *(_roff(line) for line in block[1:].strip("\n").splitlines())]
            out.append(".fi")
        else:
            out += [".PP", _roff(" ".join(line.strip() for line in block.splitlines()))]
    return out


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0].rstrip(".") if text.strip() else ""


def _roff(text: str) -> str:
    """Text safe in roff: backslashes and hyphens escaped, no line starting a request, and
    characters beyond ASCII as ``\\[uXXXX]`` (roff reads its input as Latin-1)."""
    escaped = text.replace("\\", r"\e").replace("-", r"\-")
    escaped = "".join(ch if ord(ch) < 128 else f"\\[u{ord(ch):04X}]" for ch in escaped)
    return re.sub(r"^([.'])", r"\\&\1", escaped, flags=re.M)


if __name__ == "__main__":
    import sys

    from . import main

    sys.stdout.write(manpage(main))
