// What a person does in the VS Code workbench, as Playwright steps. The selectors are VS Code's
// own class names (code-server 4.100.3, VS Code 1.100.3).

export const SQUIGGLE = '.monaco-editor .view-overlays [class*="squiggly-"]';
/** The notebook editor, and the code editors of its cells. */
export const NOTEBOOK = '.notebookOverlay';
export const CELL_EDITORS = `${NOTEBOOK} .code-cell-row .monaco-editor`;
const EDITORS = '.monaco-editor';
const PROBLEM_ROWS = '.markers-panel .monaco-list-row';

export class Workbench {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
  }

  async ready() {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await this.page.locator('.part.statusbar').waitFor();
  }

  /** Opens a workspace file with Quick Open (Ctrl+P). */
  async openFile(name) {
    // Keyboard shortcuts reach VS Code only once the page has the focus.
    await this.page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } });
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(name);
    await this.page
      .locator('.quick-input-widget .monaco-list-row', { hasText: name })
      .first()
      .waitFor();
    await this.page.keyboard.press('Enter');
  }

  /**
   * Opens a notebook with Quick Open and waits for the notebook editor to show its code cells
   * (VS Code's built-in ipynb support; no Jupyter extension needed to show and edit cells).
   */
  async openNotebook(name) {
    await this.openFile(name);
    await this.page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 30_000 });
    await this.page.locator(CELL_EDITORS).first().waitFor({ timeout: 30_000 });
  }

  /** The notebook editor's code cells whose text holds `text`. */
  codeCell(text) {
    return this.page.locator(`${NOTEBOOK} .code-cell-row`, { hasText: text });
  }

  /**
   * Waits until an editor under `editors` (all of them by default) shows a line holding
   * `text`, inlay hints aside.
   */
  async waitForLine(text, timeout = 30_000, editors = EDITORS) {
    await this.page.waitForFunction(pointInEditor, [text, text, editors], { timeout });
  }

  async waitForSquiggle(timeout) {
    await this.page.locator(SQUIGGLE).first().waitFor({ timeout });
  }

  async waitForStatus(label) {
    await this.page
      .locator(`.part.statusbar .statusbar-item[aria-label="${label}"]`)
      .waitFor({ timeout: 30_000 });
  }

  async showProblems() {
    await this.page.keyboard.press('Control+Shift+M');
    await this.page.locator('.markers-panel').waitFor();
  }

  /** Waits for Problems rows that name `code`; returns their text. */
  async waitForProblem(code, timeout = 30_000) {
    const rows = this.page.locator(PROBLEM_ROWS, { hasText: code });
    await rows.first().waitFor({ timeout });
    return rows.allInnerTexts();
  }

  async waitForNoProblem(code, timeout = 30_000) {
    await this.page.locator(PROBLEM_ROWS, { hasText: code }).first().waitFor({
      state: 'detached',
      timeout,
    });
  }

  /**
   * The Problems panel as it stands, per file: the count on the file's row and the text of
   * its entries (the panel is a tree: file rows at level 1, their entries at level 2).
   */
  async problemsByFile() {
    return this.page.locator(PROBLEM_ROWS).evaluateAll((rows) => {
      const files = {};
      let current;
      const ordered = rows.sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index));
      for (const row of ordered) {
        if (row.getAttribute('aria-level') === '1') {
          const name = row.querySelector('.label-name')?.textContent ?? '';
          const count = Number(row.querySelector('.monaco-count-badge')?.textContent ?? 0);
          current = files[name] = { count, entries: [] };
        } else if (current) {
          current.entries.push(row.innerText);
        }
      }
      return files;
    });
  }

  /** Waits for entries naming `code` under the file `name` in Problems; returns that file's. */
  async waitForProblemIn(name, code, timeout = 30_000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const files = await this.problemsByFile();
      if (files[name]?.entries.some((entry) => entry.includes(code))) {
        return files[name];
      }
      if (Date.now() > deadline) {
        throw new Error(
          `waited ${timeout} ms for ${code} under ${name} in Problems; it shows ` +
            JSON.stringify(files),
        );
      }
      await this.page.waitForTimeout(250);
    }
  }

  /** Waits until Problems lists nothing for the file `name`. */
  async waitForNoProblemsIn(name, timeout = 30_000) {
    const row = this.page.locator(`${PROBLEM_ROWS}[aria-level="1"]`, {
      has: this.page.locator('.label-name', { hasText: name }),
    });
    try {
      await row.first().waitFor({ state: 'detached', timeout });
    } catch (error) {
      error.message += `; Problems shows ${JSON.stringify(await this.problemsByFile())}`;
      throw error;
    }
  }

  /** The number of problems as the status bar counts them, and its label. */
  async problems() {
    const item = this.page.locator('.part.statusbar .statusbar-item[id="status.problems"]');
    const label = (await item.getAttribute('aria-label')) ?? '';
    const numbers = label.match(/\d+/g) ?? [];
    return { total: numbers.reduce((sum, n) => sum + Number(n), 0), label };
  }

  /** Runs a command from the command palette by its exact title. */
  async runCommand(title) {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    const focused = this.page.locator('.quick-input-widget .monaco-list-row.focused .label-name');
    await focused.first().waitFor();
    for (let tries = 0; tries < 10; tries++) {
      if ((await focused.first().innerText()).trim() === title) {
        await this.page.keyboard.press('Enter');
        return;
      }
      await this.page.keyboard.press('ArrowDown');
    }
    throw new Error(`the command palette has no command "${title}"`);
  }

  /** Replaces the user settings through their JSON editor, saves them and closes it. */
  async replaceUserSettings(settings) {
    await this.runCommand('Preferences: Open User Settings (JSON)');
    const editor = this.page.locator('.editor-instance .monaco-editor[data-uri$="settings.json"]');
    await editor.waitFor();
    await editor.locator('.view-lines').click();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.insertText(JSON.stringify(settings, null, 2));
    await this.save();
    await this.page.locator('.tab.active .tab-actions .action-label').click({ force: true });
    await editor.waitFor({ state: 'detached' });
  }

  /** Waits for a notification whose text matches; returns that text. */
  async waitForNotification(pattern, timeout = 30_000) {
    const toast = this.page.locator('.notifications-toasts .notification-toast', {
      hasText: pattern,
    });
    await toast.first().waitFor({ timeout });
    return toast.first().innerText();
  }

  /**
   * Moves the mouse over `needle` in the line holding `line`; returns the text of the hover
   * providers' part of the hover, without the part that shows the diagnostics there.
   */
  async hover(line, needle) {
    const point = await this.locate(line, needle);
    await this.page.mouse.move(point.x, point.y);
    const parts = this.page.locator(
      '.monaco-hover:not(.hidden) .markdown-hover .rendered-markdown',
    );
    await parts.first().waitFor({ timeout: 20_000 });
    return (await parts.allInnerTexts()).join('\n').trim();
  }

  /**
   * Puts the cursor on `needle` in `line` (in an editor under `editors`), opens the quick
   * fixes with Ctrl+. and picks the one whose title matches, with the arrow keys and Enter;
   * returns that title.
   */
  async quickFix(line, needle, title, editors = EDITORS) {
    await this.page.mouse.move(5, 5);
    const point = await this.locate(line, needle, editors);
    await this.page.mouse.click(point.x, point.y);
    await this.page.keyboard.press('Control+.');
    const focused = this.page.locator('.action-widget .monaco-list-row.focused');
    await focused.waitFor({ timeout: 20_000 });
    const seen = [];
    for (let tries = 0; tries < 10; tries++) {
      const label = (await focused.getAttribute('aria-label')) ?? '';
      if (title.test(label)) {
        await this.page.keyboard.press('Enter');
        return label;
      }
      seen.push(label);
      await this.page.keyboard.press('ArrowDown');
    }
    throw new Error(`no quick fix matches ${title}; the menu offers ${seen.join(' | ')}`);
  }

  async save() {
    await this.page.keyboard.press('Control+S');
    await this.page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });
  }

  /** The screen point on `needle` in the line that holds `line`, in an editor under `editors`. */
  async locate(line, needle, editors = EDITORS) {
    const point = await this.page.evaluate(pointInEditor, [line, needle, editors]);
    if (point === null) {
      throw new Error(`no editor line (${editors}) shows ${JSON.stringify(line)}`);
    }
    return point;
  }
}

/**
 * Runs in the page: the middle of the second character of `part` in the first line that
 * holds `wanted` in an editor matching `editors`, or null. Inlay hints (the server's shape
 * hints) are text in the line's DOM too, in spans with a `dyn-rule-*` class; they are left out.
 */
function pointInEditor([wanted, part, editors]) {
  const injected = (node) => node.parentElement.closest('[class*="dyn-rule-"]') !== null;
  for (const row of document.querySelectorAll(`${editors} .view-lines .view-line`)) {
    const nodes = [];
    const walker = document.createTreeWalker(row, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!injected(node)) {
        nodes.push(node);
      }
    }
    const text = nodes.map((node) => node.textContent.replace(/\u00a0/g, ' ')).join('');
    const at = text.indexOf(wanted);
    if (at < 0) {
      continue;
    }
    let offset = at + wanted.indexOf(part) + 1;
    for (const node of nodes) {
      if (offset < node.textContent.length) {
        const range = document.createRange();
        range.setStart(node, offset);
        range.setEnd(node, offset + 1);
        const box = range.getBoundingClientRect();
        return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
      }
      offset -= node.textContent.length;
    }
  }
  return null;
}
