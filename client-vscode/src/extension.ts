/**
 * The Kerasense extension: a thin client that runs the Kerasense language server. Everything
 * about Keras lives in the server; this side finds a Python, starts the server, passes the
 * settings and shows whether the server runs.
 */
import * as vscode from 'vscode';

import { onPythonEnvironmentChange } from './interpreter';
import { Log } from './log';
import { Server } from './server';
import { interpreterSetting, logLevelSetting, SECTION, traceSetting } from './settings';
import { ServerStatus } from './status';

let server: Server | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = new Log('Kerasense', logLevelSetting(), traceSetting());
  const status = new ServerStatus('kerasense.showLog');
  server = new Server(context.extensionPath, log, status);
  const current = server;
  log.info(`Kerasense ${context.extension.packageJSON.version} in ${vscode.env.appName}`);

  context.subscriptions.push(
    log,
    status,
    current,
    vscode.commands.registerCommand('kerasense.restart', () => current.restart()),
    vscode.commands.registerCommand('kerasense.showLog', () => log.show()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SECTION)) {
        log.configure(logLevelSetting(), traceSetting());
      }
      if (event.affectsConfiguration(`${SECTION}.interpreter`)) {
        log.info('kerasense.interpreter changed: restarting the server');
        void current.restart();
      }
    }),
  );

  const pythonWatch = await onPythonEnvironmentChange(() => {
    if (interpreterSetting(vscode.workspace.workspaceFolders?.[0]?.uri) === undefined) {
      log.info("The Python extension's environment changed: restarting the server");
      void current.restart();
    }
  }, log);
  if (pythonWatch !== undefined) {
    context.subscriptions.push(pythonWatch);
  }

  await current.restart();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}
