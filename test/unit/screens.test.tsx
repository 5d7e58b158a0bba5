import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { App } from '../../src/screens/App.js';
import { SCREENS, screenKey } from '../../src/screens/registry.js';
import { Config } from '../../src/screens/Config/Config.js';
import { keyFor, press, tick, waitForFrame } from '../helpers/ink.js';
import { withTempDir } from '../helpers/tmp.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => { while (cleanups.length) await cleanups.pop()!(); });

function renderApp(dir: string, readOnly = false) {
  const r = render(<App readOnly={readOnly} certDefaults={{ cn: 'relay.test', sans: ['DNS:relay.test', 'IP:127.0.0.1'], dir }} />);
  cleanups.push(() => r.unmount());
  return r;
}

describe('home screen', () => {
  it('lists every screen with what it is for, the live summary line, and key hints', async () => {
    const { lastFrame } = renderApp('/nonexistent');
    const frame = await waitForFrame(lastFrame, /(relay (up|down|: checking)|no relay running), \d+ client\(s\), \d+ pending/);
    for (const title of ['Certificates', 'Firewall', 'Forwards', 'Configuration', 'Hosts', 'Relay & clients', 'Monitor', 'History']) expect(frame).toContain(title);
    // Every screen of the registry, in the journey's order, each with its number key.
    SCREENS.forEach((s, i) => expect(frame).toMatch(new RegExp(`${screenKey(i)} ${s.title.replace(/[&]/g, '\\$&')}\\s+${s.summary.slice(0, 20)}`)));
    expect(frame.indexOf('Hosts')).toBeLessThan(frame.indexOf('Firewall'));
    // The guided path, above the screens, with its key.
    expect(frame).toMatch(/s Set up a relay\s+a checklist: certificate → hosts → firewall → relay → client hosts → Monitor/);
    expect(frame.indexOf('Set up a relay')).toBeLessThan(frame.indexOf('Certificates'));
    expect(frame).toMatch(/Forwards\s+timed port forwards that expire by themselves/);
    expect(frame).toMatch(/\? help/);
    expect(frame).toMatch(/q\/Esc back/);
  });

  it('opens the help overlay from the keymap with ? and closes it again', async () => {
    const { lastFrame, stdin } = renderApp('/nonexistent');
    await waitForFrame(lastFrame, 'Certificates');
    await press(stdin, keyFor('help'));
    const help = await waitForFrame(lastFrame, 'Keys: Home');
    expect(help).toMatch(/Enter\s+open the selected screen/);
    await press(stdin, keyFor('help'));
    await waitForFrame(lastFrame, 'local CA, server and client certificates');
  });
});

/** Enter through every wizard step with its pre-filled value, waiting for each step before the next key. */
async function acceptWizardDefaults(lastFrame: () => string | undefined, stdin: { write: (data: string) => void }): Promise<void> {
  for (const next of ['Server name (common name)', 'Names and addresses (SANs)', 'Directory to write to', 'How long the new CA is valid', 'A passphrase for the CA key', 'Will write:']) {
    await press(stdin, '\r');
    await waitForFrame(lastFrame, next);
  }
}

describe('certificate wizard', () => {
  it('walks local CA → names → directory → summary → files, rejecting a bad SAN inline', async () => {
    const t = await withTempDir();
    cleanups.push(t.cleanup);
    const { lastFrame, stdin } = renderApp(t.dir);
    await waitForFrame(lastFrame, 'Certificates');
    await press(stdin, keyFor('home.open'));
    await waitForFrame(lastFrame, 'What do you need?');
    await press(stdin, '\r'); // the first choice: local CA
    await waitForFrame(lastFrame, 'Server name (common name)');
    // Not a host name: refused where it is typed, with what is allowed.
    await press(stdin, '_x!');
    await tick();
    await press(stdin, '\r');
    await waitForFrame(lastFrame, /must be the server's DNS name or IP address/);
    for (let i = 0; i < 3; i++) { stdin.write('\u007f'); await tick(); }
    await press(stdin, '\r'); // the pre-filled name
    await waitForFrame(lastFrame, 'Names and addresses (SANs)');
    await press(stdin, ', IP:300.0.0.1');
    await tick();
    await press(stdin, '\r');
    await waitForFrame(lastFrame, /name "IP:300\.0\.0\.1": IP: must be followed by an IPv4 or IPv6 address/);
    for (let i = 0; i < ', IP:300.0.0.1'.length; i++) { stdin.write('\u007f'); await tick(); }
    await press(stdin, '\r');
    await waitForFrame(lastFrame, 'Directory to write to');
    await press(stdin, '\r');
    // A new CA: its validity (a bad one refused where typed), then no passphrase.
    await waitForFrame(lastFrame, 'How long the new CA is valid');
    await press(stdin, '0x10');
    await tick();
    await press(stdin, '\r');
    await waitForFrame(lastFrame, /CA validity "0x10": must be a whole number of days/);
    stdin.write('\u0015');
    await press(stdin, '825');
    await press(stdin, '\r');
    await waitForFrame(lastFrame, 'A passphrase for the CA key');
    await press(stdin, '\r');
    const summary = await waitForFrame(lastFrame, 'Write these files?');
    expect(summary).toMatch(/valid 825 days, key not encrypted/);
    expect(summary).toContain(path.join(t.dir, 'ca', 'ca-key.pem'));
    expect(summary).toContain(path.join(t.dir, 'server', 'key.pem'));
    expect(await readdir(t.dir)).toEqual([]); // nothing written before the confirmation
    await press(stdin, keyFor('confirm.yes'));
    const done = await waitForFrame(lastFrame, 'Done. Files written', 20_000);
    expect(done).toMatch(/copy it to every client/);
    expect((await readdir(path.join(t.dir, 'server'))).sort()).toEqual(['ca.pem', 'cert.pem', 'key.pem']);
  });

  it('in read-only mode shows the plan but cannot confirm it', async () => {
    const t = await withTempDir();
    cleanups.push(t.cleanup);
    const { lastFrame, stdin } = renderApp(t.dir, true);
    await waitForFrame(lastFrame, 'Certificates');
    await press(stdin, '\r');
    await waitForFrame(lastFrame, 'What do you need?');
    await acceptWizardDefaults(lastFrame, stdin);
    const frame = await waitForFrame(lastFrame, 'Will write:');
    expect(frame).not.toContain('Write these files?');
    await press(stdin, 'y');
    await tick();
    expect(lastFrame()).not.toContain('Done.');
    expect(await readdir(t.dir)).toEqual([]);
    // Every screen reads the same one context: the Hosts screen offers no change either.
    const other = renderApp(t.dir, true);
    await waitForFrame(other.lastFrame, 'Certificates');
    await press(other.stdin, keyFor('home.number.2'));
    const hosts = await waitForFrame(other.lastFrame, 'this machine');
    expect(hosts).toMatch(/read-only/);
    expect(hosts).not.toMatch(/a add|d remove/);
  });

  it('Esc steps back through the wizard, and q types a q into a field', async () => {
    const { lastFrame, stdin } = renderApp('/nonexistent');
    await waitForFrame(lastFrame, 'Certificates');
    await press(stdin, '\r');
    await waitForFrame(lastFrame, 'What do you need?');
    await press(stdin, '\r');
    await waitForFrame(lastFrame, 'Server name');
    await press(stdin, 'q');
    expect(await waitForFrame(lastFrame, /› q/)).not.toMatch(/relay\.test/); // typing replaces the suggested name
    await press(stdin, keyFor('text.back'));
    await waitForFrame(lastFrame, 'What do you need?');
    await press(stdin, keyFor('back'));
    await waitForFrame(lastFrame, 'Forwards');
  });
});

describe('hosts screen', () => {
  it('adds a host through the form, with an inline message for a bad port, then removes it by typing its name', async () => {
    const t = await withTempDir();
    cleanups.push(t.cleanup);
    const saved = process.env.XDG_CONFIG_HOME;
    process.env.XDG_CONFIG_HOME = t.dir;
    cleanups.push(() => { if (saved === undefined) delete process.env.XDG_CONFIG_HOME; else process.env.XDG_CONFIG_HOME = saved; });
    const { lastFrame, stdin } = renderApp('/nonexistent');
    await waitForFrame(lastFrame, 'Certificates');
    await press(stdin, keyFor('home.number.2')); // Hosts
    await waitForFrame(lastFrame, 'this machine');
    await press(stdin, keyFor('hosts.add'));
    await waitForFrame(lastFrame, 'Name (used with --host)');
    await press(stdin, 'router');
    await tick();
    await press(stdin, '\r');
    await waitForFrame(lastFrame, 'Address (IP or DNS name)');
    await press(stdin, '127.0.0.1'); // loopback: adding connects, and nothing leaves this machine
    await tick();
    await press(stdin, '\r');
    await waitForFrame(lastFrame, 'SSH port');
    await press(stdin, '220000'); // typing replaces the suggested 22
    await waitForFrame(lastFrame, 'port "220000": must be between 1 and 65535');
    await press(stdin, '\r');
    await waitForFrame(lastFrame, '✗ port "220000": must be between 1 and 65535');
    // Ctrl-U empties the field, and the suggestion (22) is back for Enter to take.
    stdin.write('\u0015');
    await waitForFrame(lastFrame, /› 22/);
    for (const next of ['User', 'Identity file (empty: ssh-agent)', 'Firewall backend (iptables or ufw)', 'Add router to the inventory?']) {
      await press(stdin, '\r');
      await waitForFrame(lastFrame, next);
    }
    // Previewed: nothing is written until y.
    expect(lastFrame()).toMatch(/root@127\.0\.0\.1:22, firewall iptables/);
    expect(lastFrame()).not.toMatch(/router\s+root@/);
    await press(stdin, 'y');
    await waitForFrame(lastFrame, /router\s+root@127\.0\.0\.1:22\s+iptables\s+not pinned/);
    await waitForFrame(lastFrame, /failed|refused|denied|reached/i, 15_000); // it connected at once (the result, whatever it is)
    await press(stdin, keyFor('list.down'));
    await tick();
    await press(stdin, keyFor('hosts.remove'));
    await waitForFrame(lastFrame, 'Type router and press Enter');
    await press(stdin, 'route');
    await tick();
    await press(stdin, '\r');
    await waitForFrame(lastFrame, 'That is not router');
    await press(stdin, 'r');
    await tick();
    await press(stdin, '\r');
    await waitForFrame(lastFrame, 'removed router');
  });
});

describe('configuration screen', () => {
  it('shows where each path value points under the app directory, whether it is there, and an absolute-only value', async () => {
    const t = await withTempDir();
    cleanups.push(t.cleanup);
    await mkdir(path.join(t.dir, 'config'));
    await mkdir(path.join(t.dir, 'certificates'));
    await writeFile(path.join(t.dir, 'certificates', 'ca.pem'), 'x');
    const file = path.join(t.dir, 'config', 'commbase.conf');
    await writeFile(file, `CERTS_AND_KEYS_CA_PEM_FILE="/certificates/ca.pem"\nCERTS_AND_KEYS_CERT_PEM_FILE="${t.dir}/certificates/cert.pem"\n`);
    const { lastFrame, stdin, unmount } = render(<Config onExit={() => {}} file={file} />);
    cleanups.push(() => unmount());
    await waitForFrame(lastFrame, file);
    await waitForFrame(lastFrame, /file\(s\) named here are missing/);
    // Move to CERTS_AND_KEYS_CA_PEM_FILE, then to CERTS_AND_KEYS_CERT_PEM_FILE.
    const keys = ['COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS', 'COMMBASE_DATA_EXCHANGE_SERVER_PORT', 'COMMBASE_DATA_EXCHANGE_SERVER_CONNECTION_FILE_PATH', 'COMMBASE_DATA_EXCHANGE_SERVER_UPLOADER_FILE_PATH', 'COMMBASE_DATA_EXCHANGE_CLIENT_CONNECTION_FILE_PATH', 'COMMBASE_DATA_EXCHANGE_CLIENT_UPDATER_FILE_PATH', 'CLIENT_POLLING_INTERVAL_IN_SECS', 'CERTS_AND_KEYS_SERVER_CRT_FILE', 'CERTS_AND_KEYS_SERVER_KEY_FILE', 'CERTS_AND_KEYS_CERT_PEM_FILE'];
    for (let i = 0; i < keys.indexOf('CERTS_AND_KEYS_CERT_PEM_FILE'); i++) { await press(stdin, keyFor('list.down')); await tick(); }
    const cert = await waitForFrame(lastFrame, `→ ${t.dir}${t.dir}/certificates/cert.pem ✗ missing`);
    expect(cert).toMatch(/already names .*joins it to the app directory again/);
    await press(stdin, keyFor('list.down'));
    await tick();
    await press(stdin, keyFor('list.down'));
    await waitForFrame(lastFrame, `→ ${t.dir}/certificates/ca.pem ✓ exists`);
  });

  it('shows the known variables, flags an invalid port as typed, saves after a diff, and undoes', async () => {
    const t = await withTempDir();
    cleanups.push(t.cleanup);
    const file = path.join(t.dir, 'commbase.conf');
    const seed = '# kept\nCOMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS="127.0.0.1"\nCOMMBASE_DATA_EXCHANGE_SERVER_PORT="5000"\nMY_OWN="x"\n';
    await writeFile(file, seed);
    const { lastFrame, stdin, unmount } = render(<Config onExit={() => {}} file={file} />);
    cleanups.push(() => unmount());
    await waitForFrame(lastFrame, file);
    expect(lastFrame()).toMatch(/Other keys \(kept, read-only here\): MY_OWN/);
    await press(stdin, keyFor('list.down'));
    await tick();
    await press(stdin, keyFor('config.edit'));
    await waitForFrame(lastFrame, '✓ valid');
    await press(stdin, '0');
    await tick();
    await press(stdin, '0');
    await waitForFrame(lastFrame, '✗ COMMBASE_DATA_EXCHANGE_SERVER_PORT "500000": must be between 1 and 65535');
    await press(stdin, '\r');
    await tick();
    expect(lastFrame()).toContain('must be between 1 and 65535'); // not accepted
    for (let i = 0; i < 3; i++) { stdin.write('\u007f'); await tick(); }
    await waitForFrame(lastFrame, '✓ valid');
    await press(stdin, '\r');
    await waitForFrame(lastFrame, '1 unsaved');
    await press(stdin, keyFor('config.save'));
    const diff = await waitForFrame(lastFrame, 'Save these changes?');
    expect(diff).toContain('-COMMBASE_DATA_EXCHANGE_SERVER_PORT="5000"');
    expect(diff).toContain('+COMMBASE_DATA_EXCHANGE_SERVER_PORT="500"');
    expect(await readFile(file, 'utf8')).toBe(seed);
    await tick();
    await press(stdin, keyFor('confirm.apply'));
    await waitForFrame(lastFrame, /saved .* previous version in/);
    expect(await readFile(file, 'utf8')).toBe(seed.replace('"5000"', '"500"'));
    await press(stdin, keyFor('config.undo'));
    await waitForFrame(lastFrame, 'Undo the last save?');
    await tick();
    await press(stdin, keyFor('confirm.apply'));
    await waitForFrame(lastFrame, 'restored');
    expect(await readFile(file, 'utf8')).toBe(seed);
  });
});

describe('certificate wizard and commbase.conf', () => {
  it('offers to point commbase.conf at the new server files, through the config editor', async () => {
    const t = await withTempDir();
    cleanups.push(t.cleanup);
    await mkdir(path.join(t.dir, 'config'));
    const conf = path.join(t.dir, 'config', 'commbase.conf');
    await writeFile(conf, 'COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS="127.0.0.1"\nCERTS_AND_KEYS_CERT_PEM_FILE="/certificates/cert.pem"\n');
    const saved = { app: process.env.COMMBASE_APP_DIR, xdg: process.env.XDG_CONFIG_HOME };
    process.env.COMMBASE_APP_DIR = t.dir;
    process.env.XDG_CONFIG_HOME = path.join(t.dir, 'xdg');
    cleanups.push(() => {
      if (saved.app === undefined) delete process.env.COMMBASE_APP_DIR; else process.env.COMMBASE_APP_DIR = saved.app;
      if (saved.xdg === undefined) delete process.env.XDG_CONFIG_HOME; else process.env.XDG_CONFIG_HOME = saved.xdg;
    });
    const r = render(<App certDefaults={{ cn: 'relay.lan', sans: ['DNS:relay.lan', 'IP:192.0.2.10'], dir: path.join(t.dir, 'certificates') }} />);
    cleanups.push(() => r.unmount());
    await waitForFrame(r.lastFrame, 'Certificates');
    await press(r.stdin, '\r');
    await waitForFrame(r.lastFrame, 'What do you need?');
    await acceptWizardDefaults(r.lastFrame, r.stdin);
    await waitForFrame(r.lastFrame, 'Write these files?');
    await press(r.stdin, 'y');
    await waitForFrame(r.lastFrame, `Press c to point ${conf} at these files`, 20_000);
    await tick();
    await press(r.stdin, keyFor('result.config'));
    const diff = await waitForFrame(r.lastFrame, 'Update commbase.conf?');
    // The files go where Commbase reads them, <app>/certificates/, and the values name them relative to the app.
    expect(diff).toContain(`copy ${path.join(t.dir, 'certificates', 'server', 'cert.pem')} → ${path.join(t.dir, 'certificates', 'cert.pem')}`);
    expect(diff).toContain('+CERTS_AND_KEYS_KEY_PEM_FILE="/certificates/key.pem"');
    await tick(); // the dialog subscribes to keys in an effect after it is drawn
    await press(r.stdin, 'y');
    await waitForFrame(r.lastFrame, 'commbase.conf updated');
    const text = await readFile(conf, 'utf8');
    expect(text).toContain('CERTS_AND_KEYS_KEY_PEM_FILE="/certificates/key.pem"');
    expect(text).toContain('CERTS_AND_KEYS_CA_PEM_FILE="/certificates/ca.pem"');
    expect((await stat(path.join(t.dir, 'certificates', 'key.pem'))).mode & 0o777).toBe(0o600);
    expect(await readFile(path.join(t.dir, 'certificates', 'cert.pem'), 'utf8')).toBe(await readFile(path.join(t.dir, 'certificates', 'server', 'cert.pem'), 'utf8'));
    expect(text).toContain('COMMBASE_DATA_EXCHANGE_SERVER_HOST_ADDRESS="192.0.2.10"');
  });
});
