// `commbase-admin hosts …`: the inventory of hosts reached over SSH.
import path from 'node:path';
import { Option, type Command } from '@commander-js/extra-typings';
const hostsService = () => import('../services/hosts.js');
import { action } from './boundary.js';
import { withJson } from './common.js';
import { connectOptions } from './connect.js';
import { emit, paint, table } from './output.js';
import { NOUN_HELP } from './noun-help.js';

export function registerHosts(program: Command): void {
  const hosts = program.command('hosts').description(NOUN_HELP.hosts);
  hostsAdd(hosts);
  hostsEdit(hosts);
  hostsList(hosts);
  hostsRemove(hosts);
  hostsCheck(hosts);
  hostsTrust(hosts);
}

/** `hosts add` */
function hostsAdd(hosts: Command): void {
  withJson(hosts.command('add'))
    .description('add or redefine a host in the inventory')
    .argument('<name>', 'a short name to use with --host')
    .requiredOption('--address <addr>', 'IP address or DNS name')
    .option('--port <n>', 'SSH port (default 22)')
    .option('--user <user>', 'login name (default root)')
    .option('--identity <file>', 'private key file (else ssh-agent)')
    .addOption(new Option('--backend <name>', 'firewall backend on that host').choices(['ufw', 'iptables']))
    .option('--sudo', 'run firewall commands through sudo -n')
    .option('--trust-fingerprint <fp>', 'pin this host key now (SHA256:…), as shown by ssh-keygen -lf on the host')
    .action(action(async (name: string, o) => {
      const h = (await hostsService()).addHost({ name, address: o.address, port: o.port, user: o.user, identity: o.identity ? path.resolve(o.identity) : undefined, backend: o.backend, sudo: Boolean(o.sudo), 'trust-fingerprint': o.trustFingerprint });
      emit(o, h, (x) => [paint.green(`added ${x.name}: ${x.user}@${x.address}:${x.port} (${x.backend}${x.sudo ? ', sudo' : ''})`),
        x.pinned ? `  host key pinned: ${x.pinned}` : `  next: commbase-admin hosts check ${x.name}  (shows and pins its host key)`]);
    }));
}

/** `hosts edit` */
function hostsEdit(hosts: Command): void {
  withJson(hosts.command('edit'))
    .description('change a host\'s address, port, user, identity or backend; its pinned host key is kept')
    .argument('<name>')
    .option('--address <addr>', 'IP address or DNS name')
    .option('--port <n>', 'SSH port')
    .option('--user <user>', 'login name')
    .option('--identity <file>', 'private key file')
    .addOption(new Option('--backend <name>', 'firewall backend on that host').choices(['ufw', 'iptables']))
    .action(action(async (name: string, o) => {
      const h = (await hostsService()).editHost(name, { address: o.address, port: o.port, user: o.user, identity: o.identity ? path.resolve(o.identity) : undefined, backend: o.backend });
      emit(o, h, (x) => [paint.green(`${x.name}: ${x.user}@${x.address}:${x.port} (${x.backend}${x.sudo ? ', sudo' : ''})`), x.pinned ? `  host key still pinned: ${x.pinned}` : '  host key not pinned yet']);
    }));
}

/** `hosts list` */
function hostsList(hosts: Command): void {
  withJson(hosts.command('list'))
    .description('list the hosts')
    .action(action(async (o) => {
      const list = (await hostsService()).listHosts();
      emit(o, list, (l) => table(l.map((h) => [h.name, h.name === 'local' ? 'this machine' : `${h.user}@${h.address}:${h.port}`, h.backend + (h.sudo ? ' (sudo)' : ''), h.name === 'local' ? '' : h.pinned ?? 'not pinned yet']), ['NAME', 'ADDRESS', 'FIREWALL', 'HOST KEY']));
    }));
}

/** `hosts remove` */
function hostsRemove(hosts: Command): void {
  withJson(hosts.command('remove'))
    .description('remove a host and its pinned key')
    .argument('<name>')
    .action(action(async (name: string, o) => {
      (await hostsService()).removeHost(name);
      emit(o, { removed: name }, () => [`removed ${name}`]);
    }));
}

/** `hosts check` */
function hostsCheck(hosts: Command): void {
  withJson(hosts.command('check'))
    .description('connect, verify (or pin) the host key, and report what the host has')
    .argument('<name>')
    .option('--trust-fingerprint <fp>', 'accept this host key on first contact without asking')
    .action(action(async (name: string, o) => {
      const r = await (await hostsService()).checkHost(name, connectOptions(o));
      emit(o, r, (x) => [paint.green(`reached ${x.where} as uid ${x.uid}`), `  iptables: ${x.iptables ? 'yes' : 'no'}   ufw: ${x.ufw ? 'yes' : 'no'}`, ...(x.pinned ? [`  host key: ${x.pinned}`] : [])]);
    }));
}

/** `hosts trust` */
function hostsTrust(hosts: Command): void {
  withJson(hosts.command('trust'))
    .description('pin a host key by hand (after checking it on the host), replacing a changed one')
    .argument('<name>')
    .requiredOption('--fingerprint <fp>', 'SHA256:…')
    .action(action(async (name: string, o) => {
      (await hostsService()).trustHostKey(name, o.fingerprint);
      emit(o, { host: name, pinned: o.fingerprint }, () => [`pinned ${o.fingerprint} for ${name}`]);
    }));
}
