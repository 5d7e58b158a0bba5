// The one keybinding table. The footer, the `?` help overlay and docs/keys.md come from it.
// A binding marked `dangerous` is not bound at all in a --read-only console.

export type Scope =
  | 'global' | 'home' | 'wizard' | 'wizard.select' | 'wizard.text' | 'wizard.confirm' | 'result'
  | 'field' | 'list' | 'hosts' | 'firewall' | 'forwards' | 'config' | 'monitor' | 'monitor.clients' | 'monitor.timers' | 'filter' | 'confirm' | 'confirm-restrict' | 'typed-confirm' | 'trust' | 'secret' | 'history' | 'busy' | 'clientsetup' | 'relay' | 'choose' | 'journey' | 'choice';

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

const TABLE = [
  { id: 'help', short: 'help', scope: 'global', keys: ['?'], label: '?', description: 'show or hide the help for this screen', footer: true },
  { id: 'back', short: 'back', scope: 'global', keys: ['q', 'escape'], label: 'q/Esc', description: 'go back; on the home screen, quit', footer: true },
  { id: 'quit', scope: 'global', keys: ['ctrl+c'], label: 'Ctrl-C', description: 'quit at once' },

  { id: 'home.up', short: 'up', scope: 'home', keys: ['up', 'k'], label: '↑/k', description: 'previous screen in the list', footer: true },
  { id: 'home.down', short: 'down', scope: 'home', keys: ['down', 'j'], label: '↓/j', description: 'next screen in the list', footer: true },
  { id: 'home.open', short: 'open', scope: 'home', keys: ['return'], label: 'Enter', description: 'open the selected screen', footer: true },
  { id: 'home.setup', short: 'set up a relay', scope: 'home', keys: ['s'], label: 's', description: 'the "Set up a relay" checklist: certificate → hosts → firewall → relay → client hosts → Monitor', footer: true },
  // The screens in the journey's order have numbers: 1 Certificates … 9 Monitor, 0 History (shown on Home).
  ...(['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'] as const).map((k, i): Binding & { id: `home.number.${typeof k}` } => ({
    id: `home.number.${k}`, short: 'open by number', scope: 'home', keys: [k], label: i === 0 ? '1…9 0' : k,
    description: i === 0 ? 'open the screen with that number on Home, without moving the cursor there (1 Certificates … 0 History)' : `open screen ${k}`, footer: i === 0,
  })),

  { id: 'select.move', short: 'move', scope: 'wizard.select', keys: ['up', 'down'], label: '↑/↓', description: 'move between choices', footer: true },
  { id: 'select.pick', short: 'choose', scope: 'wizard.select', keys: ['return'], label: 'Enter', description: 'choose', footer: true },
  { id: 'text.submit', short: 'next', scope: 'wizard.text', keys: ['return'], label: 'Enter', description: 'accept the value and go on', footer: true },
  { id: 'text.back', short: 'previous step', scope: 'wizard.text', keys: ['escape'], label: 'Esc', description: 'previous step (q types a q here)', footer: true },
  { id: 'confirm.yes', short: 'write', scope: 'wizard.confirm', keys: ['return', 'y'], label: 'Enter/y', description: 'write the files shown', footer: true, dangerous: true },
  { id: 'confirm.no', short: 'change', scope: 'wizard.confirm', keys: ['n'], label: 'n', description: 'change the answers', footer: true },
  // Every text field (src/ui/TextField.tsx): readline's editing keys. Not in footers; the help overlay lists them.
  { id: 'field.left', scope: 'field', keys: ['left'], label: '←/→', description: 'move the cursor a character' },
  { id: 'field.right', scope: 'field', keys: ['right'], label: '→', description: 'move the cursor right (on a suggested value: take it to edit)' },
  { id: 'field.start', scope: 'field', keys: ['ctrl+a', 'home'], label: 'Ctrl-A/Home', description: 'to the start of the field' },
  { id: 'field.end', scope: 'field', keys: ['ctrl+e', 'end'], label: 'Ctrl-E/End', description: 'to the end of the field (on a suggested value: take it to edit)' },
  { id: 'field.word-left', scope: 'field', keys: ['meta+b'], label: 'Alt-B', description: 'back a word' },
  { id: 'field.word-right', scope: 'field', keys: ['meta+f'], label: 'Alt-F', description: 'forward a word' },
  { id: 'field.kill-start', scope: 'field', keys: ['ctrl+u'], label: 'Ctrl-U', description: 'delete to the start of the field' },
  { id: 'field.kill-end', scope: 'field', keys: ['ctrl+k'], label: 'Ctrl-K', description: 'delete to the end of the field' },
  { id: 'field.kill-word', scope: 'field', keys: ['ctrl+w', 'meta+backspace'], label: 'Ctrl-W', description: 'delete the word before the cursor' },
  { id: 'field.delete-back', scope: 'field', keys: ['backspace'], label: 'Backspace', description: 'delete the character before the cursor' },
  { id: 'field.delete', scope: 'field', keys: ['ctrl+d'], label: 'Ctrl-D', description: 'delete the character under the cursor' },

  { id: 'list.up', short: 'up', scope: 'list', keys: ['up', 'k'], label: '↑/k', description: 'previous row', footer: true },
  { id: 'list.down', short: 'down', scope: 'list', keys: ['down', 'j'], label: '↓/j', description: 'next row', footer: true },

  { id: 'hosts.check', short: 'check', scope: 'hosts', keys: ['c', 'return'], label: 'c/Enter', description: 'connect to the host, verify (or pin) its key, see what it has', footer: true },
  { id: 'hosts.add', short: 'add', scope: 'hosts', keys: ['a'], label: 'a', description: 'add a host to the inventory', footer: true, dangerous: true },
  { id: 'hosts.edit', short: 'edit', scope: 'hosts', keys: ['e'], label: 'e', description: 'edit the host\'s address, port, user, identity or backend (its pinned key is kept)', footer: true, dangerous: true },
  { id: 'hosts.retrust', short: 'trust new key', scope: 'hosts', keys: ['k'], label: 'k', description: 'after a check found a changed host key: pin the new one (type the host\'s name)', dangerous: true },
  { id: 'hosts.remove', short: 'remove', scope: 'hosts', keys: ['d'], label: 'd', description: 'remove the host and its pinned key (type its name to confirm)', footer: true, dangerous: true },

  { id: 'fw.open', short: 'open port', scope: 'firewall', keys: ['o'], label: 'o', description: 'open a port on this host (preview, then confirm)', footer: true, dangerous: true },
  { id: 'fw.close', short: 'close', scope: 'firewall', keys: ['x'], label: 'x', description: 'close the selected commbase-admin rule (preview, then type the port to confirm)', footer: true, dangerous: true },
  { id: 'fw.refresh', short: 'refresh', scope: 'firewall', keys: ['r'], label: 'r', description: 'read the rules again', footer: true },
  { id: 'fw.ufw', short: 'ufw on/off', scope: 'firewall', keys: ['u'], label: 'u', description: 'enable ufw (refused if it would cut off this SSH session), or disable it (type the host\'s name)', footer: true, dangerous: true },
  { id: 'fw.persist', short: 'save for reboot', scope: 'firewall', keys: ['v'], label: 'v', description: 'save the running iptables rules with netfilter-persistent so they come back after a reboot (preview, then confirm)', footer: true, dangerous: true },
  { id: 'fw.host', short: 'next host', scope: 'firewall', keys: ['tab'], label: 'Tab', description: 'switch to the next host', footer: true },

  { id: 'fwd.add', short: 'add', scope: 'forwards', keys: ['a'], label: 'a', description: 'add a timed forward (form, then the exact rules, then confirm)', footer: true, dangerous: true },
  { id: 'fwd.extend', short: 'extend', scope: 'forwards', keys: ['e'], label: 'e', description: 'extend the selected forward (new TTL from now)', footer: true, dangerous: true },
  { id: 'fwd.revoke', short: 'revoke', scope: 'forwards', keys: ['x'], label: 'x', description: 'revoke the selected forward (type its id to confirm)', footer: true, dangerous: true },
  { id: 'fwd.reap', short: 'reap', scope: 'forwards', keys: ['p'], label: 'p', description: 'remove the expired forwards now (preview, then confirm)', footer: true, dangerous: true },
  { id: 'fwd.cron', short: 'cron reaper', scope: 'forwards', keys: ['c'], label: 'c', description: 'install the reaper in root\'s crontab on this host, so expired forwards go every minute with nothing running (preview, then confirm)', footer: true, dangerous: true },
  { id: 'fwd.refresh', short: 'refresh', scope: 'forwards', keys: ['r'], label: 'r', description: 'read the forwards again', footer: true },
  { id: 'fwd.host', short: 'next host', scope: 'forwards', keys: ['tab'], label: 'Tab', description: 'switch to the next host', footer: true },

  { id: 'config.edit', short: 'edit', scope: 'config', keys: ['return', 'e'], label: 'Enter/e', description: 'edit the selected value (checked as you type)', footer: true, dangerous: true },
  { id: 'config.save', short: 'save', scope: 'config', keys: ['s'], label: 's', description: 'save the pending changes (shows the diff first)', footer: true, dangerous: true },
  { id: 'config.undo', short: 'undo', scope: 'config', keys: ['u'], label: 'u', description: 'undo the last save (restore FILE.bak)', footer: true, dangerous: true },
  { id: 'config.reload', short: 'reload', scope: 'config', keys: ['r'], label: 'r', description: 'read the file again (drops pending changes)', footer: true },
  { id: 'config.file', short: 'choose file', scope: 'config', keys: ['f'], label: 'f', description: 'choose the commbase.conf to work on (path with Tab completion, recent files)', footer: true },
  { id: 'choice.prev', scope: 'choice', keys: ['left', 'up'], label: '←/↑', description: 'a field with choices: the previous choice (typing its first letter picks it too)' },
  { id: 'choice.next', scope: 'choice', keys: ['right', 'down', 'tab'], label: '→/↓/Tab', description: 'a field with choices: the next choice' },
  { id: 'choose.older', short: 'recent', scope: 'choose', keys: ['down'], label: '↓/↑', description: 'pick an older (↓) or newer (↑) recent file', footer: true },
  { id: 'choose.newer', scope: 'choose', keys: ['up'], label: '↑', description: 'pick a newer recent file' },
  { id: 'choose.open', short: 'open', scope: 'choose', keys: ['return'], label: 'Enter', description: 'open the file typed or picked', footer: true },
  { id: 'config.host', short: 'next host', scope: 'config', keys: ['tab'], label: 'Tab', description: 'the same file on the next host in the inventory (drops pending changes)', footer: true },

  { id: 'cs.probe', short: 'probe', scope: 'clientsetup', keys: ['p'], label: 'p', description: 'probe the client host as Commbase\'s clients would', footer: true },
  { id: 'cs.again', short: 'another host', scope: 'clientsetup', keys: ['a'], label: 'a', description: 'set up another client host', footer: true },

  { id: 'relay.start', short: 'start relay', scope: 'relay', keys: ['s'], label: 's', description: 'start the relay: on this machine (form, preview, confirm; it keeps running after the console), or the service deployed on the host shown (confirm)', footer: true, dangerous: true },
  { id: 'relay.stop', short: 'stop relay', scope: 'relay', keys: ['t'], label: 't', description: 'stop the relay (type its port, or the host\'s name for a deployed service, to confirm)', footer: true, dangerous: true },
  { id: 'relay.host', short: 'next host', scope: 'relay', keys: ['tab'], label: 'Tab', description: 'the relay on the next host in the inventory', footer: true },
  { id: 'relay.deploy', short: 'deploy', scope: 'relay', keys: ['D'], label: 'D', description: 'deploy the relay on the host shown as a hardened systemd service (form with the console\'s certificate, preview of every file and command, confirm)', footer: true, dangerous: true },
  { id: 'relay.upgrade', short: 'upgrade', scope: 'relay', keys: ['u'], label: 'u', description: 'upgrade the deployed relay to this console\'s build (preview, confirm); back to the old one if the new one does not come up', footer: true, dangerous: true },
  { id: 'relay.logs', short: 'logs', scope: 'relay', keys: ['l'], label: 'l', description: 'show or hide the deployed relay\'s journal, following new lines', footer: true },
  { id: 'relay.uninstall', short: 'uninstall', scope: 'relay', keys: ['X'], label: 'X', description: 'remove the deployed relay (unit, binaries, user; its data stays): type the host\'s name to confirm', dangerous: true },
  { id: 'relay.issue', short: 'issue token', scope: 'relay', keys: ['i'], label: 'i', description: 'issue a token for a new client (name and scope; shown once)', footer: true, dangerous: true },
  { id: 'relay.approve', short: 'approve', scope: 'relay', keys: ['a'], label: 'a', description: 'approve the selected pending client: choose its scope, then confirm', footer: true, dangerous: true },
  { id: 'relay.deny', short: 'deny', scope: 'relay', keys: ['d'], label: 'd', description: 'deny the selected pending client (type its name to confirm)', footer: true, dangerous: true },
  { id: 'relay.rotate', short: 'rotate', scope: 'relay', keys: ['r'], label: 'r', description: 'give the selected client a new token; its connections are told (type its name to confirm)', footer: true, dangerous: true },
  { id: 'relay.revoke', short: 'revoke', scope: 'relay', keys: ['x'], label: 'x', description: 'revoke the selected client and drop its connections (type its name to confirm)', footer: true, dangerous: true },

  { id: 'journey.up', short: 'up', scope: 'journey', keys: ['up', 'k'], label: '↑/k', description: 'previous step', footer: true },
  { id: 'journey.down', short: 'down', scope: 'journey', keys: ['down', 'j'], label: '↓/j', description: 'next step', footer: true },
  { id: 'journey.open', short: 'do this step', scope: 'journey', keys: ['return'], label: 'Enter', description: 'open the step\'s screen, filled in from the steps before; q there comes back here', footer: true },
  { id: 'journey.reload', short: 'read again', scope: 'journey', keys: ['r'], label: 'r', description: 'read every step\'s state again from the files, hosts, rules and relay', footer: true },
  { id: 'history.reload', short: 'reload', scope: 'history', keys: ['r'], label: 'r', description: 'read the audit log again', footer: true },

  { id: 'mon.pane', short: 'switch pane', scope: 'monitor', keys: ['tab'], label: 'Tab', description: 'switch between the clients and timers panes', footer: true },
  { id: 'mon.filter', short: 'filter', scope: 'monitor', keys: ['/'], label: '/', description: 'filter the rows (Enter keeps it, Esc clears it)', footer: true },
  { id: 'mon.pause', short: 'pause', scope: 'monitor', keys: ['p'], label: 'p', description: 'pause or resume live updates', footer: true },
  { id: 'mon.approve', short: 'approve', scope: 'monitor.clients', keys: ['a'], label: 'a', description: 'approve the selected pending client', footer: true, dangerous: true },
  { id: 'mon.deny', short: 'deny', scope: 'monitor.clients', keys: ['d'], label: 'd', description: 'deny the selected pending client (asks first)', footer: true, dangerous: true },
  { id: 'mon.revoke', short: 'revoke', scope: 'monitor.clients', keys: ['x'], label: 'x', description: 'revoke the selected client and drop its connections (asks first)', footer: true, dangerous: true },
  { id: 'mon.extend', short: 'extend 30m', scope: 'monitor.timers', keys: ['e'], label: 'e', description: 'extend the selected forward to 30 minutes from now', footer: true, dangerous: true },
  { id: 'mon.end', short: 'revoke/close', scope: 'monitor.timers', keys: ['x'], label: 'x', description: 'revoke the selected forward, or close the selected port (asks first)', footer: true, dangerous: true },
  { id: 'filter.done', short: 'keep filter', scope: 'filter', keys: ['return'], label: 'Enter', description: 'keep the filter', footer: true },

  { id: 'confirm.apply', short: 'apply', scope: 'confirm', keys: ['y'], label: 'y', description: 'apply the change shown', footer: true, dangerous: true },
  { id: 'confirm.cancel', short: 'cancel', scope: 'confirm', keys: ['n'], label: 'n/Esc', description: 'cancel; nothing is changed', footer: true },
  { id: 'confirm.restrict', short: 'restrict', scope: 'confirm-restrict', keys: ['d'], label: 'd', description: 'a port opened "from X" that restricts nothing (the policy accepts everyone): also DROP it for everyone else (iptables; removed with the rule), then preview again', footer: true, dangerous: true },
  { id: 'typed.submit', short: 'confirm', scope: 'typed-confirm', keys: ['return'], label: 'Enter', description: 'confirm once the name typed matches', footer: true, dangerous: true },
  { id: 'trust.yes', short: 'trust', scope: 'trust', keys: ['y'], label: 'y', description: 'trust this host key and pin it', footer: true },
  { id: 'trust.no', short: 'refuse', scope: 'trust', keys: ['n'], label: 'n', description: 'refuse; do not connect', footer: true },
  { id: 'secret.submit', short: 'unlock', scope: 'secret', keys: ['return'], label: 'Enter', description: 'use this passphrase (kept in memory for this console session only)', footer: true },
  { id: 'secret.cancel', short: 'cancel', scope: 'secret', keys: ['escape'], label: 'Esc', description: 'do not connect', footer: true },

  { id: 'result.config', short: 'set commbase.conf', scope: 'result', keys: ['c'], label: 'c', description: 'point commbase.conf at the new files (diff first)', footer: true, dangerous: true },
  { id: 'certs.existing', short: 'set commbase.conf', scope: 'wizard.select', keys: ['c'], label: 'c', description: 'on the first menu: point commbase.conf at the server certificate already made (cert setup or an earlier run; diff first)', dangerous: true },
  { id: 'result.again', short: 'again', scope: 'result', keys: ['a'], label: 'a', description: 'start the wizard again', footer: true },
] as const satisfies readonly Binding[];

export const BINDINGS: readonly Binding[] = TABLE;

/** Every binding's id, from the table: a handler bound under another name is a type error. */
export type BindingId = (typeof TABLE)[number]['id'];

export interface InkKey {
  upArrow: boolean; downArrow: boolean; leftArrow: boolean; rightArrow: boolean; home: boolean; end: boolean;
  return: boolean; escape: boolean; tab: boolean; backspace: boolean; delete: boolean; ctrl: boolean; meta: boolean;
}

export function keyName(input: string, key: Partial<InkKey>): string {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'return';
  if (key.escape) return 'escape';
  if (key.tab) return 'tab';
  if (key.backspace || key.delete) return key.meta ? 'meta+backspace' : 'backspace';
  if (key.ctrl) return `ctrl+${input}`;
  if (key.meta && input.length === 1) return `meta+${input}`;
  return input;
}

export function bindingsFor(scopes: readonly Scope[], opts: { readOnly?: boolean; typing?: boolean } = {}): Binding[] {
  return BINDINGS.filter((b) => scopes.includes(b.scope))
    .filter((b) => !(opts.readOnly && b.dangerous))
    .map((b) => (opts.typing && b.keys.some((k) => k.length === 1) ? typingVariant(b) : b))
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

const KEY_LABELS: Record<string, string> = { escape: 'Esc', return: 'Enter', tab: 'Tab', up: '↑', down: '↓', backspace: 'Backspace' };

/** While a text field has focus, printable keys type; only named keys stay bound. */
function typingVariant(b: Binding): Binding {
  const keys = b.keys.filter((k) => k.length > 1);
  return { ...b, keys, label: keys.map((k) => KEY_LABELS[k] ?? k).join('/') };
}
