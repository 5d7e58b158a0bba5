// The one keybinding table. The footer, the `?` help overlay and docs/keys.md come from it.
// A binding marked `dangerous` is not bound at all in a --read-only console.

export type Scope = 'global' | 'home' | 'wizard' | 'wizard.select' | 'wizard.text' | 'wizard.confirm' | 'result';

export interface Binding {
  id: string;
  scope: Scope;
  /** Normalised key names: single characters, or up, down, left, right, return, escape, tab, backspace. */
  keys: string[];
  label: string;
  description: string;
  dangerous?: boolean;
  /** Shown in the footer; the help overlay shows everything. */
  footer?: boolean;
  /** The footer's one or two words; the help overlay shows the description. */
  short?: string;
}

export const BINDINGS: readonly Binding[] = [
  { id: 'help', short: 'help', scope: 'global', keys: ['?'], label: '?', description: 'show or hide the help for this screen', footer: true },
  { id: 'back', short: 'back', scope: 'global', keys: ['q', 'escape'], label: 'q/Esc', description: 'go back; on the home screen, quit', footer: true },
  { id: 'quit', scope: 'global', keys: ['ctrl+c'], label: 'Ctrl-C', description: 'quit at once' },

  { id: 'home.up', short: 'up', scope: 'home', keys: ['up', 'k'], label: '↑/k', description: 'previous screen in the list', footer: true },
  { id: 'home.down', short: 'down', scope: 'home', keys: ['down', 'j'], label: '↓/j', description: 'next screen in the list', footer: true },
  { id: 'home.open', short: 'open', scope: 'home', keys: ['return'], label: 'Enter', description: 'open the selected screen', footer: true },

  { id: 'select.move', short: 'move', scope: 'wizard.select', keys: ['up', 'down'], label: '↑/↓', description: 'move between choices', footer: true },
  { id: 'select.pick', short: 'choose', scope: 'wizard.select', keys: ['return'], label: 'Enter', description: 'choose', footer: true },
  { id: 'text.submit', short: 'next', scope: 'wizard.text', keys: ['return'], label: 'Enter', description: 'accept the value and go on', footer: true },
  { id: 'text.back', short: 'previous step', scope: 'wizard.text', keys: ['escape'], label: 'Esc', description: 'previous step (q types a q here)', footer: true },
  { id: 'confirm.yes', short: 'write', scope: 'wizard.confirm', keys: ['return', 'y'], label: 'Enter/y', description: 'write the files shown', footer: true, dangerous: true },
  { id: 'confirm.no', short: 'change', scope: 'wizard.confirm', keys: ['n'], label: 'n', description: 'change the answers', footer: true },
  { id: 'result.again', short: 'again', scope: 'result', keys: ['a'], label: 'a', description: 'start the wizard again', footer: true },
];

export interface InkKey {
  upArrow: boolean; downArrow: boolean; leftArrow: boolean; rightArrow: boolean;
  return: boolean; escape: boolean; tab: boolean; backspace: boolean; delete: boolean; ctrl: boolean;
}

export function keyName(input: string, key: Partial<InkKey>): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.return) return 'return';
  if (key.escape) return 'escape';
  if (key.tab) return 'tab';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl) return `ctrl+${input}`;
  return input;
}

export function bindingsFor(scopes: readonly Scope[], opts: { readOnly?: boolean; typing?: boolean } = {}): Binding[] {
  return BINDINGS.filter((b) => scopes.includes(b.scope))
    .filter((b) => !(opts.readOnly && b.dangerous))
    .map((b) => (opts.typing ? { ...b, keys: b.keys.filter((k) => k.length > 1) } : b))
    .filter((b) => b.keys.length > 0);
}

/** Which binding a key press means in these scopes, if any. */
export function resolveKey(name: string, scopes: readonly Scope[], opts: { readOnly?: boolean; typing?: boolean } = {}): string | undefined {
  // Later scopes (the screen's own) win over earlier ones (global).
  const candidates = bindingsFor(scopes, opts).filter((b) => b.keys.includes(name));
  return candidates.sort((a, b) => scopes.indexOf(b.scope) - scopes.indexOf(a.scope))[0]?.id;
}

export function footerHints(scopes: readonly Scope[], opts: { readOnly?: boolean; typing?: boolean } = {}): string[] {
  return bindingsFor(scopes, opts).filter((b) => b.footer).map((b) => `${b.label} ${b.short ?? shortDescription(b.description)}`);
}

function shortDescription(d: string): string {
  return d.split(/[;(]/)[0]!.trim();
}
