/**
 * The "Kerasense" output channel, filtered by `kerasense.logLevel`.
 *
 * VS Code sets the level of its own log channels only through "Developer: Set Log Level", so
 * this channel is a plain one that filters by the extension's setting itself. It offers the
 * `LogOutputChannel` shape because the language client writes its own messages and the
 * server's `window/logMessage` through that interface.
 */
import * as readline from 'node:readline';
import { Readable } from 'node:stream';
import * as vscode from 'vscode';

export type LogLevelName = 'error' | 'warning' | 'info' | 'debug';

const LEVELS: Record<LogLevelName, vscode.LogLevel> = {
  error: vscode.LogLevel.Error,
  warning: vscode.LogLevel.Warning,
  info: vscode.LogLevel.Info,
  debug: vscode.LogLevel.Debug,
};

const LABELS: Partial<Record<vscode.LogLevel, string>> = {
  [vscode.LogLevel.Trace]: 'trace',
  [vscode.LogLevel.Debug]: 'debug',
  [vscode.LogLevel.Info]: 'info',
  [vscode.LogLevel.Warning]: 'warning',
  [vscode.LogLevel.Error]: 'error',
};

export function toLogLevel(name: string | undefined): vscode.LogLevel {
  return LEVELS[name as LogLevelName] ?? vscode.LogLevel.Info;
}

export class Log implements vscode.LogOutputChannel {
  private readonly channel: vscode.OutputChannel;
  private readonly levelChanged = new vscode.EventEmitter<vscode.LogLevel>();
  private level: vscode.LogLevel;
  private tracing: boolean;

  readonly onDidChangeLogLevel = this.levelChanged.event;

  constructor(
    readonly name: string,
    level: vscode.LogLevel,
    tracing: boolean,
  ) {
    this.channel = vscode.window.createOutputChannel(name);
    this.level = level;
    this.tracing = tracing;
  }

  /**
   * The language client traces the protocol only while this reads `Trace`, so it does
   * whenever `kerasense.trace.server` is on, whatever the level of the other messages.
   */
  get logLevel(): vscode.LogLevel {
    return this.tracing ? vscode.LogLevel.Trace : this.level;
  }

  configure(level: vscode.LogLevel, tracing: boolean): void {
    const before = this.logLevel;
    this.level = level;
    this.tracing = tracing;
    if (this.logLevel !== before) {
      this.levelChanged.fire(this.logLevel);
    }
  }

  trace(message: string, ...args: unknown[]): void {
    if (this.tracing) {
      this.write(vscode.LogLevel.Trace, message, args);
    }
  }

  debug(message: string, ...args: unknown[]): void {
    this.write(vscode.LogLevel.Debug, message, args);
  }

  info(message: string, ...args: unknown[]): void {
    this.write(vscode.LogLevel.Info, message, args);
  }

  warn(message: string, ...args: unknown[]): void {
    this.write(vscode.LogLevel.Warning, message, args);
  }

  error(error: string | Error, ...args: unknown[]): void {
    this.write(vscode.LogLevel.Error, describe(error), args);
  }

  /**
   * Copies the lines of a stream of the server process, whatever the level: its standard
   * error holds the server's own log records, filtered there, and any Python traceback.
   */
  follow(input: Readable, label: string): void {
    readline
      .createInterface({ input, crlfDelay: Infinity, terminal: false })
      .on('line', (line) => this.channel.appendLine(`${timestamp()} [${label}] ${line}`));
  }

  append(value: string): void {
    this.channel.append(value);
  }

  appendLine(value: string): void {
    this.channel.appendLine(value);
  }

  replace(value: string): void {
    this.channel.replace(value);
  }

  clear(): void {
    this.channel.clear();
  }

  show(preserveFocus?: boolean): void;
  show(column?: vscode.ViewColumn, preserveFocus?: boolean): void;
  show(first?: boolean | vscode.ViewColumn, preserveFocus?: boolean): void {
    this.channel.show(typeof first === 'boolean' ? first : preserveFocus);
  }

  hide(): void {
    this.channel.hide();
  }

  dispose(): void {
    this.levelChanged.dispose();
    this.channel.dispose();
  }

  private write(level: vscode.LogLevel, message: string, args: unknown[]): void {
    if (
      level !== vscode.LogLevel.Trace &&
      (this.level === vscode.LogLevel.Off || level < this.level)
    ) {
      return;
    }
    const text = [message, ...args.map(describe)].join(' ');
    this.channel.appendLine(`${timestamp()} [${LABELS[level]}] ${text}`);
  }
}

function timestamp(): string {
  return new Date().toISOString();
}

function describe(value: unknown): string {
  if (value instanceof Error) {
    return value.stack ?? value.message;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}
