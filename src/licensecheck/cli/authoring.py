"""``init``, ``explain`` and ``schema``: start a declaration, understand a rule, get a schema."""

from __future__ import annotations

from pathlib import Path

import click

from .. import codes
from ..api import SCHEMA_NAMES
from ..errors import Diagnostic, UsageError
from .options import (
    as_of_option,
    default_pack_option,
    lang_option,
    output_option,
    pack_option,
)
from .packchoice import choose_pack
from .render import emit


@click.command()
@click.argument("rule")
@click.argument("declaration", required=False, type=click.Path(dir_okay=False, path_type=Path))
@pack_option
@as_of_option()
@lang_option
@output_option
def explain(
    rule: str,
    declaration: Path | None,
    pack: str | None,
    as_of: str | None,
    lang: str,
    output: Path | None,
) -> None:
    """Show RULE in full; with DECLARATION, show how it evaluates on it, step by step.

    Without DECLARATION: where the rule comes from (inherited, overridden), its citation,
    condition, requirement, remediation, dependencies and the fields it reads. With it:
    every sub-expression with its value and the declaration value (file:line:col) it read.
    """
    from ..api import DEFAULT_PACK, explain_evaluation, explain_rule

    if declaration is None:  # no declaration to fit a pack to: the rule's id is the starter's
        text = explain_rule(rule, pack or DEFAULT_PACK, lang=lang)
    else:
        chosen = choose_pack(pack, [declaration])
        text = explain_evaluation(rule, declaration, chosen, as_of=as_of, lang=lang)
    emit(text, output, [declaration] if declaration else [])


@click.command()
@default_pack_option
@output_option
@click.option("--force", is_flag=True, help="Overwrite --output if it exists.")
def init(pack: str, output: Path | None, force: bool) -> None:
    """Write a declaration skeleton: exactly the fields the pack's rules read, each with a
    comment naming what it is, the values it takes and the rules that use it."""
    from ..api import declaration_skeleton

    if output is not None and output.exists() and not force:
        raise UsageError(
            Diagnostic(codes.USAGE, f"{output} exists; choose another file or add --force")
        )
    emit(declaration_skeleton(pack, written_to=output), output, [])
    if output is not None:
        click.echo(f"wrote {output}: fill it in, then: licensecheck check {output} --pack {pack}")


@click.command()
@click.argument("name", type=click.Choice(SCHEMA_NAMES))
@output_option
def schema(name: str, output: Path | None) -> None:
    """Print the JSON Schema of a public format: declaration, report, pack (pack.yaml),
    pack-test (a pack's tests/*.yaml case), waivers, config (licensecheck.toml), diff,
    batch-report, batch-lines (a line of --format jsonl), gap-report, plan, pack-diff or
    impact."""
    from ..api import json_schema

    emit(json_schema(name), output, [])
