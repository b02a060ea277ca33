/**
 * Starts, stops and restarts the Kerasense server, `<python> -m kerasense serve` over stdio,
 * with the server and its libraries from `bundled/libs` first on the PYTHONPATH.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  CloseHandlerResult,
  ErrorAction,
  ErrorHandler,
  Executable,
  LanguageClient,
  LanguageClientOptions,
  Message,
  RevealOutputChannelOn,
  State,
} from 'vscode-languageclient/node';

import { findInterpreter, Interpreter, NoInterpreterError } from './interpreter';
import { Log } from './log';
import { SECTION, serverSettings } from './settings';
import { ServerStatus } from './status';

const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'python' },
  { scheme: 'untitled', language: 'python' },
  { notebook: 'jupyter-notebook', language: 'python' },
];

export class Server implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private interpreter: Interpreter | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly extensionPath: string,
    private readonly log: Log,
    private readonly status: ServerStatus,
  ) {}

  /** Stops the server if it runs, then starts it with a freshly chosen interpreter. */
  restart(): Promise<void> {
    const running = this.detach();
    return this.enqueue(async () => {
      await this.stopClient(running);
      await this.stopClient(this.detach());
      await this.startClient();
    });
  }

  stop(): Promise<void> {
    const running = this.detach();
    return this.enqueue(async () => {
      await this.stopClient(running);
      await this.stopClient(this.detach());
    });
  }

  dispose(): void {
    void this.stop();
  }

  /** Runs one start or stop at a time, in the order asked. */
  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async startClient(): Promise<void> {
    this.status.set('starting');
    const folder = vscode.workspace.workspaceFolders?.[0];
    try {
      this.interpreter = await findInterpreter(folder?.uri, this.log);
    } catch (error) {
      const message = error instanceof NoInterpreterError ? error.message : String(error);
      this.noInterpreter(message);
      return;
    }

    const interpreter = this.interpreter;
    this.log.info(`Starting the server with Python ${interpreter.version} at ${interpreter.path}`);
    const errorHandler = new RestartOnlyAfterRunning();
    const isCurrent = () => this.client === client && client.isRunning();
    const client: LanguageClient = new LanguageClient(
      SECTION,
      'Kerasense',
      this.executable(interpreter),
      this.clientOptions(folder, errorHandler, isCurrent),
    );
    errorHandler.attach(client);
    client.onDidChangeState(({ newState }) => this.showState(client, newState));
    this.client = client;
    try {
      await client.start();
    } catch (error) {
      if (this.client !== client) {
        return; // restarted or stopped meanwhile
      }
      // The client has already said so in a notification that leads to this log.
      const reason = describe(error);
      const message = `The Kerasense server did not start with ${interpreter.path}: ${reason}`;
      this.status.set('error', message);
      this.log.error(`${message}. What the server printed is in this log.`);
    }
  }

  /**
   * Lets go of the current client at once, before it stops: from then on its state changes
   * no longer show, and nothing more is sent to it.
   */
  private detach(): LanguageClient | undefined {
    const client = this.client;
    this.client = undefined;
    return client;
  }

  private async stopClient(client: LanguageClient | undefined): Promise<void> {
    if (client === undefined) {
      return;
    }
    try {
      if (client.needsStop()) {
        await client.stop();
      }
      await client.dispose();
    } catch (error) {
      this.log.warn('The server did not stop cleanly:', error);
    }
    this.status.set('stopped');
  }

  private executable(interpreter: Interpreter): Executable {
    const libs = path.join(this.extensionPath, 'bundled', 'libs');
    const pythonPath = [libs, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter);
    // `-m` puts the working folder first on the import path: started in the workspace,
    // a kerasense.py or typing.py there would run in place of the server. The server
    // needs no working folder (it finds each file's pyproject.toml from the file), so
    // it starts in the folder of its own libraries.
    return {
      command: interpreter.path,
      args: ['-m', 'kerasense', 'serve'],
      options: {
        cwd: libs,
        env: { ...process.env, PYTHONPATH: pythonPath },
      },
    };
  }

  private clientOptions(
    folder: vscode.WorkspaceFolder | undefined,
    errorHandler: ErrorHandler,
    isCurrent: () => boolean,
  ): LanguageClientOptions {
    return {
      documentSelector: DOCUMENT_SELECTOR,
      outputChannel: this.log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: serverSettings(folder),
      synchronize: { configurationSection: SECTION },
      middleware: {
        workspace: {
          // A client on its way out has no one to tell; the next server reads the settings.
          didChangeConfiguration: async (sections, next) => {
            if (isCurrent()) {
              await next(sections);
            }
          },
          // The server asks for its own keys; the rest of the section is the extension's.
          configuration: async (params, token, next) => {
            const answers = await next(params, token);
            if (!Array.isArray(answers)) {
              return answers;
            }
            return params.items.map((item, index) =>
              item.section === SECTION ? serverSettings(scopeOf(item.scopeUri)) : answers[index],
            );
          },
        },
      },
      errorHandler,
      stdioOptions: {
        stdout: (input) => this.log.follow(input, 'stdout'),
        stderr: (input) => this.log.follow(input, 'stderr'),
      },
    };
  }

  private showState(client: LanguageClient, state: State): void {
    if (client !== this.client) {
      return;
    }
    const detail =
      this.interpreter && `Python ${this.interpreter.version}, ${this.interpreter.path}`;
    if (state === State.Running) {
      this.status.set('running', detail);
    } else if (state === State.Starting) {
      this.status.set('starting', detail);
    } else {
      // Stopped while still the current client: it crashed or gave up, it was not asked to.
      this.status.set('error', 'the server stopped; run "Kerasense: Restart Server"');
    }
  }

  private noInterpreter(message: string): void {
    this.status.set('error', message);
    this.log.error(message);
    void vscode.window.showErrorMessage(message, 'Open Settings').then((chosen) => {
      if (chosen === 'Open Settings') {
        void vscode.commands.executeCommand(
          'workbench.action.openSettings',
          'kerasense.interpreter',
        );
      }
    });
  }
}

/**
 * Restarts a server that crashed, as the client does by default (4 restarts within 3
 * minutes at most), unless it never got running: then it would only fail the same way again.
 */
class RestartOnlyAfterRunning implements ErrorHandler {
  private fallback: ErrorHandler | undefined;
  private ran = false;

  attach(client: LanguageClient): void {
    this.fallback = client.createDefaultErrorHandler();
    client.onDidChangeState(({ newState }) => {
      this.ran ||= newState === State.Running;
    });
  }

  error(error: Error, message: Message | undefined, count: number | undefined) {
    return this.fallback?.error(error, message, count) ?? { action: ErrorAction.Shutdown };
  }

  closed(): CloseHandlerResult | Promise<CloseHandlerResult> {
    if (!this.ran || this.fallback === undefined) {
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    return this.fallback.closed();
  }
}

function scopeOf(scopeUri: string | undefined): vscode.Uri | undefined {
  return scopeUri ? vscode.Uri.parse(scopeUri) : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
