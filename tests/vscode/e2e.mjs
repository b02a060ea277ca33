// The Kerasense VSIX in a real VS Code (code-server), driven in headless Chromium as a person
// would: open a faulty model, see the squiggle and the Problems entry, hover the head layer,
// change a setting, restart the server, point it at a missing Python and back, apply the
// quick fix and check the file; then the same squiggle, Problems entry and quick fix in a
// cell of a Jupyter notebook, in the notebook editor. tests/vscode/run.sh installs what this
// needs.
//
//   node e2e.mjs --vsix X.vsix --code-server .../out/node/entry.js --artifacts tests/artifacts
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright-core';

import { CELL_EDITORS, SQUIGGLE, Workbench } from './workbench.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    vsix: { type: 'string' },
    'code-server': { type: 'string' },
    artifacts: { type: 'string', default: path.join(HERE, '..', 'artifacts') },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
assert.ok(args.vsix && args['code-server'], 'usage: e2e.mjs --vsix X.vsix --code-server ENTRY');

// What the server says about tests/vscode/workspace/model.py.
const RULE = 'KS101';
const FAULTY_HEAD = 'layers.Dense(1, activation="softmax"),';
const FIXED_HEAD = 'layers.Dense(1, activation="sigmoid"),';
const FIX_TITLE = /sigmoid/i;
const HOVER_TEXT = /\bDense\b/;

// tests/vscode/workspace/model.ipynb: the same head in its "model" cell (the model is compiled
// in a later cell); the finding is in that cell's own lines and columns.
const NOTEBOOK = 'model.ipynb';
const MODEL_CELL = 'model';
const MODEL_CELL_TEXT = 'Sequential';
const CELL_POSITION = /\bLn 4, Col 5\b/;

// Quiet, predictable VS Code: no welcome page, tips, recommendations, auto save or preview tabs.
const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'editor.hover.delay': 300,
  'files.autoSave': 'off',
  'workbench.editor.enablePreview': false,
};

const STEP_TIMEOUT = 120_000;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kerasense-vscode-'));
const dirs = {
  workspace: path.join(scratch, 'workspace'),
  userData: path.join(scratch, 'user-data'),
  extensions: path.join(scratch, 'extensions'),
  browser: path.join(scratch, 'browser'),
  xdg: path.join(scratch, 'xdg'),
};
let codeServer;
let browser;
/** @type {Workbench} */
let bench;
let problemsBefore = 0;

before(async () => {
  fs.mkdirSync(args.artifacts, { recursive: true });
  for (const name of fs.readdirSync(args.artifacts)) {
    if (/^vscode.*\.png$/.test(name)) {
      fs.rmSync(path.join(args.artifacts, name));
    }
  }
  fs.cpSync(path.join(HERE, 'workspace'), dirs.workspace, { recursive: true });
  writeUserSettings();

  const url = await startCodeServer();
  browser = await chromium.launchPersistentContext(dirs.browser, {
    executablePath: args.chromium,
    headless: true,
    viewport: { width: 1400, height: 900 },
    env: { ...process.env, ...scratchHomes() },
    // Without the networking switches Chromium keeps calling hosts this machine cannot reach.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  bench = new Workbench(page);
  await page.goto(`${url}/?folder=${encodeURIComponent(dirs.workspace)}`);
  await bench.ready();
});

after(async () => {
  await saveKerasenseLog();
  await browser?.close();
  codeServer?.kill();
  fs.rmSync(scratch, { recursive: true, force: true });
});

test('a faulty head gets a squiggle and a Problems entry', { timeout: STEP_TIMEOUT }, async (t) => {
  await step('open-file', async () => {
    await bench.openFile('model.py');
    await bench.waitForLine(FAULTY_HEAD);
  });
  await step('squiggle', () => bench.waitForSquiggle(60_000));
  await step('status', () => bench.waitForStatus('Kerasense server running'));
  await step('problems', async () => {
    await bench.showProblems();
    const rows = await bench.waitForProblem(RULE);
    const { total, label } = await bench.problems();
    t.diagnostic(`status bar: ${label}`);
    problemsBefore = total;
    assert.ok(total >= 1, `the status bar counts "${label}"`);
    assert.match(rows.join('\n'), /softmax/i);
  });
});

test('hovering the head layer explains the finding', { timeout: STEP_TIMEOUT }, async (t) => {
  await step('hover', async () => {
    const text = await bench.hover(FAULTY_HEAD, 'Dense');
    t.diagnostic(`hover: ${text.replace(/\s+/g, ' ')}`);
    assert.match(text, HOVER_TEXT);
    assert.ok(text.length > 40, `the hover says only ${JSON.stringify(text)}`);
  });
  await bench.page.screenshot({ path: path.join(args.artifacts, 'vscode.png') });
});

test(
  'a changed setting reaches the server, and the restarted one',
  { timeout: STEP_TIMEOUT },
  async () => {
    const squiggle = (kind) =>
      bench.page.locator(`.monaco-editor .view-overlays .squiggly-${kind}`);
    await step('setting', async () => {
      await bench.replaceUserSettings({ ...SETTINGS, 'kerasense.severity': { [RULE]: 'warning' } });
      await squiggle('warning').first().waitFor({ timeout: 30_000 });
      assert.match((await bench.problems()).label, /Warnings: 1/);
    });
    await step('restart-command', async () => {
      const starts = serverStarts();
      await bench.runCommand('Kerasense: Restart Server');
      await waitFor(() => serverStarts() > starts, 'the server to start again', 30_000);
      await bench.waitForStatus('Kerasense server running');
      await squiggle('warning').first().waitFor({ timeout: 60_000 });
    });
    await step('setting-back', async () => {
      await bench.replaceUserSettings(SETTINGS);
      await squiggle('error').first().waitFor({ timeout: 30_000 });
    });
  },
);

test(
  'a wrong interpreter is reported, and the server comes back',
  { timeout: STEP_TIMEOUT },
  async () => {
    const useInterpreter = (interpreter) =>
      bench.replaceUserSettings({ ...SETTINGS, 'kerasense.interpreter': interpreter });
    const missing = path.join(scratch, 'no-such-python');
    await step('missing-interpreter', async () => {
      await useInterpreter(missing);
      await bench.waitForStatus('Kerasense server error');
      const message = await bench.waitForNotification(/kerasense\.interpreter/);
      assert.ok(message.includes(missing), `the message does not name the path: ${message}`);
      await bench.page.locator(SQUIGGLE).first().waitFor({ state: 'detached', timeout: 10_000 });
      await bench.runCommand('Notifications: Clear All Notifications');
    });
    await step('old-interpreter', async () => {
      await useInterpreter(fakePython('old-python', '3.9.18', ''));
      await bench.waitForNotification(/Python 3\.9\.18, older than 3\.10/);
      await bench.waitForStatus('Kerasense server error');
      await bench.runCommand('Notifications: Clear All Notifications');
    });
    await step('broken-interpreter', async () => {
      const traceback = "ModuleNotFoundError: No module named 'kerasense_e2e_broken'";
      await useInterpreter(fakePython('broken-python', '3.12.1', traceback));
      await waitFor(() => kerasenseLog().includes(traceback), 'its error in the log', 30_000);
      await bench.waitForStatus('Kerasense server error');
      await bench.runCommand('Notifications: Clear All Notifications');
    });
    await step('interpreter-back', async () => {
      await bench.replaceUserSettings(SETTINGS);
      await bench.waitForStatus('Kerasense server running');
      await bench.waitForSquiggle(60_000);
    });
  },
);

test('the quick fix writes a sigmoid head', { timeout: STEP_TIMEOUT }, async (t) => {
  await step('quick-fix', async () => {
    t.diagnostic(`applied: ${await bench.quickFix(FAULTY_HEAD, 'softmax', FIX_TITLE)}`);
    await bench.waitForLine(FIXED_HEAD);
    await bench.save();
  });
  await step('file', async () => {
    const text = fs.readFileSync(path.join(dirs.workspace, 'model.py'), 'utf8');
    assert.ok(text.includes(`    ${FIXED_HEAD}\n`), `model.py now reads:\n${text}`);
    assert.ok(!text.includes('softmax'), `model.py still has softmax:\n${text}`);
  });
  await step('problems-drop', async () => {
    await bench.waitForNoProblem(RULE);
    const { total, label } = await bench.problems();
    assert.ok(total < problemsBefore, `problems went from ${problemsBefore} to "${label}"`);
  });
  await bench.page.screenshot({ path: path.join(args.artifacts, 'vscode-fixed.png') });
});

// code-server has VS Code's built-in ipynb support: it opens the notebook in the notebook
// editor and syncs it to the server as notebookDocument/*, with no Jupyter extension.
test(
  'a notebook cell with a faulty head gets the same checks',
  { timeout: STEP_TIMEOUT },
  async (t) => {
    const modelCell = () => bench.codeCell(MODEL_CELL_TEXT);
    let before;
    await step('notebook-open', async () => {
      await bench.openNotebook(NOTEBOOK);
      await bench.waitForLine(FAULTY_HEAD, 30_000, CELL_EDITORS);
    });
    await step('notebook-squiggle', async () => {
      await modelCell().locator(SQUIGGLE).first().waitFor({ timeout: 60_000 });
      const elsewhere = bench.page
        .locator(CELL_EDITORS)
        .filter({ hasNotText: MODEL_CELL_TEXT })
        .locator(SQUIGGLE);
      assert.equal(await elsewhere.count(), 0, 'a cell other than the model cell has a squiggle');
    });
    await step('notebook-problems', async () => {
      await bench.showProblems();
      const file = await bench.waitForProblemIn(NOTEBOOK, RULE);
      const entries = file.entries.join('\n');
      t.diagnostic(`Problems under ${NOTEBOOK}: ${entries.replace(/\s+/g, ' ')}`);
      assert.match(entries, /softmax/i);
      assert.match(entries, CELL_POSITION, 'the entry is not at the head line in cell terms');
      before = { ...(await bench.problems()), notebook: file.count };
      assert.ok(before.notebook >= 1, `the ${NOTEBOOK} row counts ${before.notebook}`);
    });
    await bench.page.screenshot({ path: path.join(args.artifacts, 'vscode-notebook.png') });
    await step('notebook-quick-fix', async () => {
      const title = await bench.quickFix(FAULTY_HEAD, 'softmax', FIX_TITLE, CELL_EDITORS);
      t.diagnostic(`applied: ${title}`);
      await bench.waitForLine(FIXED_HEAD, 30_000, CELL_EDITORS);
      const text = (await modelCell().locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
      assert.ok(text.includes('activation="sigmoid"'), `the model cell reads:\n${text}`);
      assert.ok(!text.includes('softmax'), `the model cell still has softmax:\n${text}`);
      await bench.save();
    });
    await step('notebook-file', () => {
      const original = readNotebook(path.join(HERE, 'workspace', NOTEBOOK));
      const saved = readNotebook(path.join(dirs.workspace, NOTEBOOK));
      const expected = original.map((cell) =>
        cell.id === MODEL_CELL
          ? { ...cell, source: cell.source.replace(FAULTY_HEAD, FIXED_HEAD) }
          : cell,
      );
      assert.deepEqual(saved, expected, `${NOTEBOOK}: only the model cell's head changes`);
    });
    await step('notebook-problems-drop', async () => {
      await modelCell().locator(SQUIGGLE).first().waitFor({ state: 'detached', timeout: 30_000 });
      await bench.waitForNoProblemsIn(NOTEBOOK);
      const after = await bench.problems();
      assert.equal(
        after.total,
        before.total - before.notebook,
        `problems went from "${before.label}" to "${after.label}"`,
      );
    });
    await bench.page.screenshot({ path: path.join(args.artifacts, 'vscode-notebook-fixed.png') });
  },
);

/** Runs one step; on failure saves a screenshot named after it, and says which step failed. */
async function step(name, body) {
  try {
    await body();
  } catch (error) {
    await bench?.page
      .screenshot({ path: path.join(args.artifacts, `vscode-failed-${name}.png`) })
      .catch(() => undefined);
    error.message = `step ${name}: ${error.message}`;
    throw error;
  }
}

/** A notebook's cells as id, kind and source text, to compare. */
function readNotebook(file) {
  const { cells } = JSON.parse(fs.readFileSync(file, 'utf8'));
  return cells.map((cell) => ({
    id: cell.id,
    kind: cell.cell_type,
    source: [cell.source].flat().join(''),
  }));
}

/** Installs the VSIX offline, starts code-server on a free port and returns its address. */
async function startCodeServer() {
  const port = await freePort();
  const config = path.join(scratch, 'config.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const folders = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  const common = [args['code-server'], '--config', config, ...folders];
  const env = { ...process.env, ...scratchHomes() };

  execFileSync(process.execPath, [...common, '--install-extension', args.vsix], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 180_000,
  });

  const log = fs.openSync(path.join(args.artifacts, 'code-server.log'), 'w');
  const quiet = ['--disable-telemetry', '--disable-update-check', '--disable-workspace-trust'];
  codeServer = spawn(
    process.execPath,
    [...common, ...quiet, '--disable-getting-started-override', dirs.workspace],
    { env, stdio: ['ignore', log, log] },
  );
  process.on('exit', () => codeServer.kill());
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/healthz`, 60_000);
  return url;
}

/**
 * A program that answers the extension's version probe (`-c ...`) as a Python `version`
 * would, and otherwise prints `error` and fails, as a broken Python install does.
 */
function fakePython(name, version, error) {
  const file = path.join(scratch, name);
  const script = [
    '#!/bin/sh',
    `if [ "$1" = -c ]; then echo ${version}; exit 0; fi`,
    `echo "${error}" >&2`,
    'exit 1',
  ];
  fs.writeFileSync(file, `${script.join('\n')}\n`, { mode: 0o755 });
  return file;
}

/** Keeps code-server's and Chromium's own files (config, crash reports) out of the home folder. */
function scratchHomes() {
  return {
    XDG_CONFIG_HOME: path.join(dirs.xdg, 'config'),
    XDG_DATA_HOME: path.join(dirs.xdg, 'data'),
    XDG_CACHE_HOME: path.join(dirs.xdg, 'cache'),
  };
}

function writeUserSettings() {
  const folder = path.join(dirs.userData, 'User');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'settings.json'), JSON.stringify(SETTINGS, null, 2));
}

/** The Kerasense output channel, as VS Code keeps it in its log folder. */
function kerasenseLog() {
  const logs = path.join(dirs.userData, 'logs');
  const files = fs.existsSync(logs)
    ? fs.readdirSync(logs, { recursive: true }).filter((name) => /Kerasense\.log$/.test(name))
    : [];
  return files.map((name) => fs.readFileSync(path.join(logs, name), 'utf8')).join('\n');
}

function serverStarts() {
  return kerasenseLog().split('Starting the server with').length - 1;
}

/** Keeps the output channel next to the screenshots, and prints it when a test failed. */
async function saveKerasenseLog() {
  const text = kerasenseLog();
  fs.writeFileSync(path.join(args.artifacts, 'kerasense-output.log'), text);
  if (process.exitCode) {
    console.error(`--- the Kerasense output channel ---\n${text || '(empty)'}`);
  }
}

async function waitFor(condition, what, timeout) {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`waited ${timeout} ms for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, timeout) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (codeServer.exitCode !== null) {
      throw new Error(`code-server exited with ${codeServer.exitCode}; see code-server.log`);
    }
    try {
      if ((await fetch(url)).ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeout} ms`);
}
