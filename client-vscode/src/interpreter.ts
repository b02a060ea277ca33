/**
 * Finds the Python that runs the server: `kerasense.interpreter`, else the active environment
 * of the Python extension, else `python3` (or `python`) on the PATH. The server and its
 * libraries come with the extension, so any Python from 3.10 on will do.
 */
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';

import { Log } from './log';
import { interpreterSetting } from './settings';

const MINIMUM = [3, 10] as const;
const MINIMUM_TEXT = MINIMUM.join('.');
const VERSION_SCRIPT = 'import sys; print("%d.%d.%d" % sys.version_info[:3])';
const PATH_NAMES = ['python3', 'python'];

export interface Interpreter {
  path: string;
  version: string;
  /** Where the path came from, for messages. */
  source: string;
}

interface Candidate {
  path: string;
  source: string;
}

/** Raised when no candidate runs as Python 3.10+; the message says what was tried. */
export class NoInterpreterError extends Error {}

export async function findInterpreter(resource: vscode.Uri | undefined, log: Log) {
  const configured = interpreterSetting(resource);
  if (configured !== undefined) {
    // A chosen interpreter that does not work is reported, not quietly replaced by another.
    const candidate = { path: configured, source: 'the setting kerasense.interpreter' };
    const result = await probe(candidate);
    if (typeof result === 'string') {
      throw new NoInterpreterError(
        `Kerasense cannot run its server with ${configured} (from ${candidate.source}): ` +
          `${result}. Set "kerasense.interpreter" to a Python ${MINIMUM_TEXT} or newer.`,
      );
    }
    return result;
  }

  const candidates: Candidate[] = [];
  const fromExtension = await pythonExtensionInterpreter(resource, log);
  if (fromExtension !== undefined) {
    candidates.push({ path: fromExtension, source: "the Python extension's environment" });
  }
  candidates.push(...PATH_NAMES.map((name) => ({ path: name, source: 'the PATH' })));

  const refusals: string[] = [];
  for (const candidate of candidates) {
    const result = await probe(candidate);
    if (typeof result !== 'string') {
      return result;
    }
    log.debug(`Not using ${candidate.path} from ${candidate.source}: ${result}`);
    refusals.push(`${candidate.path} (${result})`);
  }
  throw new NoInterpreterError(
    `Kerasense needs Python ${MINIMUM_TEXT} or newer to run its server and found none: ` +
      `${refusals.join('; ')}. Set "kerasense.interpreter" to the path of a Python ` +
      `${MINIMUM_TEXT} or newer.`,
  );
}

/** The interpreter, or why it cannot run the server. */
async function probe(candidate: Candidate): Promise<Interpreter | string> {
  let output: string;
  try {
    output = await run(candidate.path, ['-c', VERSION_SCRIPT]);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'not found' : `does not run: ${(error as Error).message.trim()}`;
  }

  const version = output.trim();
  const [major, minor] = version.split('.').map(Number);
  if (!(major > MINIMUM[0] || (major === MINIMUM[0] && minor >= MINIMUM[1]))) {
    return `Python ${version || 'of unknown version'}, older than ${MINIMUM_TEXT}`;
  }
  return { path: candidate.path, version, source: candidate.source };
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 20_000, windowsHide: true }, (error, stdout) =>
      error ? reject(error) : resolve(stdout),
    );
  });
}

/** The part of the Python extension's API used here; any of it may be missing. */
interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath?(resource?: vscode.Uri): { id: string; path: string };
    resolveEnvironment?(
      environment: { id: string; path: string } | string,
    ): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
}

async function pythonExtensionApi(log: Log): Promise<PythonExtensionApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (extension === undefined) {
    return undefined;
  }
  try {
    return extension.isActive ? extension.exports : await extension.activate();
  } catch (error) {
    log.warn('The Python extension did not activate:', error);
    return undefined;
  }
}

async function pythonExtensionInterpreter(resource: vscode.Uri | undefined, log: Log) {
  const environments = (await pythonExtensionApi(log))?.environments;
  if (environments?.getActiveEnvironmentPath === undefined) {
    return undefined;
  }
  try {
    const active = environments.getActiveEnvironmentPath(resource);
    const resolved = await environments.resolveEnvironment?.(active);
    return resolved?.executable?.uri?.fsPath ?? active.path;
  } catch (error) {
    log.warn('The Python extension did not tell its active environment:', error);
    return undefined;
  }
}

/** Calls `listener` when the Python extension's active environment changes, if it can tell. */
export async function onPythonEnvironmentChange(
  listener: () => void,
  log: Log,
): Promise<vscode.Disposable | undefined> {
  const environments = (await pythonExtensionApi(log))?.environments;
  return environments?.onDidChangeActiveEnvironmentPath?.(listener);
}
