"""The language server's latency: a keystroke in a 100-rule pack → its diagnostics.

    python bench/lsp.py           # 100 rules, 30 keystrokes
    python bench/lsp.py --quick   # smoke run

A generated 100-rule pack (``bench/genpack.py``) is opened in ``licensecheck lsp`` through a
real LSP client over stdio (pygls's client); each keystroke is a ``didChange`` that
alternately breaks and mends a declaration path, timed until the diagnostics for that file
arrive — debounce, the ``packs lint`` checks and the JSON-RPC round trip included. The
baseline, in the same run: ``packs lint`` of the same pack in-process (``api.lint_pack``) from
cold, every file parsed, as the command does it; the server parses only the file typed in
(parses are remembered by text).
Target: under 150 ms per keystroke.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as t
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).parent))
from genpack import write_pack
from licensecheck import api

TARGET_MS = 150.0


async def keystrokes(folder: Path, count: int) -> list[float]:
    client = LanguageClient("bench", "1")
    await client.start_io(sys.executable, "-m", "licensecheck", "lsp")
    await client.initialize_async(
        t.InitializeParams(capabilities=t.ClientCapabilities(), root_uri=folder.as_uri())
    )
    client.initialized(t.InitializedParams())
    path = sorted(folder.glob("*.rules"))[-1]
    text = path.read_text(encoding="utf-8")
    uri = path.resolve().as_uri()
    arrived: asyncio.Queue[float] = asyncio.Queue()

    @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: t.PublishDiagnosticsParams) -> None:
        if params.uri == uri:
            arrived.put_nowait(time.perf_counter())

    client.text_document_did_open(
        t.DidOpenTextDocumentParams(t.TextDocumentItem(uri, "licensecheck-rules", 1, text))
    )
    await arrived.get()
    broken = text.replace("company.", "compnay.", 1)
    times = []
    for version in range(2, count + 2):
        started = time.perf_counter()
        client.text_document_did_change(
            t.DidChangeTextDocumentParams(
                t.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [t.TextDocumentContentChangeWholeDocument(broken if version % 2 else text)],
            )
        )
        times.append((await arrived.get()) - started)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run")
    args = parser.parse_args()
    rules, count = (20, 4) if args.quick else (100, 30)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "bench-lsp"
        write_pack(folder, rules)
        lint = [_cold_lint(folder) for _ in range(max(count // 3, 3))]
        latency = asyncio.run(keystrokes(folder, count))
    lint_ms = statistics.median(lint) * 1000
    key_ms = statistics.median(latency) * 1000
    worst = max(latency) * 1000
    print(f"keystroke -> diagnostics ({rules} rules, {count} keystrokes, through stdio)")
    print(f"  median                  {key_ms:7.1f} ms")
    print(f"  slowest                 {worst:7.1f} ms")
    print(f"  packs lint, cold        {lint_ms:7.1f} ms (baseline, in-process)")
    print(f"  ratio keystroke / lint: {key_ms / lint_ms:.2f}x")
    print(f"  target < {TARGET_MS:.0f} ms: {'met' if key_ms < TARGET_MS else 'NOT met'}")
    return 0


def _cold_lint(folder: Path) -> float:
    from licensecheck.lang.parser import parse_module

    parse_module.cache_clear()
    started = time.perf_counter()
    api.lint_pack(folder)
    return time.perf_counter() - started


if __name__ == "__main__":
    raise SystemExit(main())
