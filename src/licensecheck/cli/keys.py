"""``keys generate`` and ``keys id``: the ed25519 keys that sign bundles and packs."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def keys() -> None:
    """Signing keys (ed25519) for submission bundles and packs."""


@keys.command("generate")
@click.argument("prefix", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace existing PREFIX.key / PREFIX.pub files.")
def keys_generate(prefix: Path, force: bool) -> None:
    """Make a key pair: PREFIX.key (secret, readable by you only) and PREFIX.pub (share it).

    Sign with the .key (bundle create --sign, packs sign); give the .pub to whoever
    verifies. The secret key is not encrypted: keep it out of version control.
    """
    from ..api.trust import generate_keys

    private_path, public_path, key_id = generate_keys(prefix, force=force)
    click.echo(f"wrote {private_path} (secret) and {public_path}: key {key_id}")


@keys.command("id")
@click.argument("public_key", type=click.Path(dir_okay=False, path_type=Path))
def keys_id(public_key: Path) -> None:
    """Print the id of a public key (PEM or OpenSSH), as signatures name it."""
    from ..api.trust import key_id

    click.echo(key_id(public_key))
