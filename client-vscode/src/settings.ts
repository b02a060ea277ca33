/**
 * The extension's settings, and the part of them that goes to the server.
 *
 * The server's keys are those of "Settings" in docs/design.md. Only the values a person set
 * go to the server: a default shown in VS Code would otherwise hide `[tool.kerasense]` in
 * `pyproject.toml`, and the server has the same defaults anyway.
 */
import * as vscode from 'vscode';

import { toLogLevel } from './log';

export const SECTION = 'kerasense';

const SERVER_KEYS = ['select', 'ignore', 'severity', 'run', 'debounceMs', 'logLevel'] as const;

export type ServerSettings = Partial<Record<(typeof SERVER_KEYS)[number], unknown>>;

export function serverSettings(scope?: vscode.ConfigurationScope | null): ServerSettings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  const settings: ServerSettings = {};
  for (const key of SERVER_KEYS) {
    if (isSet(config, key)) {
      settings[key] = config.get(key);
    }
  }

  // The settings editor offers an empty list for "every rule", which is no selection at all.
  if (Array.isArray(settings.select) && settings.select.length === 0) {
    delete settings.select;
  }
  return settings;
}

/** The interpreter a person chose, or undefined for "find one". */
export function interpreterSetting(scope?: vscode.ConfigurationScope): string | undefined {
  const value = vscode.workspace.getConfiguration(SECTION, scope).get<string>('interpreter');
  return value?.trim() || undefined;
}

export function logLevelSetting(): vscode.LogLevel {
  return toLogLevel(vscode.workspace.getConfiguration(SECTION).get<string>('logLevel'));
}

export function traceSetting(): boolean {
  return vscode.workspace.getConfiguration(SECTION).get<string>('trace.server', 'off') !== 'off';
}

function isSet(config: vscode.WorkspaceConfiguration, key: string): boolean {
  const inspected = config.inspect(key);
  return (
    inspected !== undefined &&
    (inspected.globalValue !== undefined ||
      inspected.workspaceValue !== undefined ||
      inspected.workspaceFolderValue !== undefined)
  );
}
