// The licensecheck extension: starts `licensecheck lsp` (stdio) for .rules files, pack.yaml and
// declarations. Plain JavaScript, so there is no build step: `npm install` and load the folder.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace
    .getConfiguration("licensecheck")
    .get("command", ["licensecheck", "lsp"]);
  const server = { command, args, transport: TransportKind.stdio };
  client = new LanguageClient(
    "licensecheck",
    "licensecheck",
    { run: server, debug: server },
    {
      documentSelector: [
        { scheme: "file", language: "licensecheck-rules" },
        { scheme: "file", pattern: "**/pack.yaml" },
        { scheme: "file", language: "yaml" },
        { scheme: "file", language: "json" },
      ],
    }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
