/** The status bar item that tells whether the server runs. */
import * as vscode from 'vscode';

export type ServerState = 'starting' | 'running' | 'stopped' | 'error';

const ICONS: Record<ServerState, string> = {
  starting: '$(loading~spin)',
  running: '$(check)',
  stopped: '$(circle-slash)',
  error: '$(error)',
};

export class ServerStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(command: string) {
    this.item = vscode.window.createStatusBarItem(
      'kerasense.status',
      vscode.StatusBarAlignment.Right,
      100,
    );
    this.item.name = 'Kerasense';
    this.item.command = command;
    this.set('stopped');
    this.item.show();
  }

  set(state: ServerState, detail?: string): void {
    this.item.text = `${ICONS[state]} Kerasense`;
    this.item.accessibilityInformation = { label: `Kerasense server ${state}` };
    const about = detail ? ` (${detail})` : '';
    this.item.tooltip = `Kerasense server: ${state}${about}. Click for the log.`;
    this.item.backgroundColor =
      state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
