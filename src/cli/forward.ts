// `commbase-admin forward …`: timed port forwards (DNAT + FORWARD accept) that expire by themselves.
import { Option, type Command } from '@commander-js/extra-typings';
import type { ForwardChange } from '../firewall/forward-service.js';

const fwdService = () => import('../firewall/forward-service.js');
import { FORWARD_HEADERS, forwardCells, forwardChangeLines } from '../present/forwards.js';
import { action } from './boundary.js';
import { withHost } from './common.js';
import { connector } from './connect.js';
import { emit, paint, table } from './output.js';
import { NOUN_HELP } from './noun-help.js';

const hostOpt = (cmd: Command) => withHost(cmd, 'host from the inventory, usually the router');

const changeLines = (r: ForwardChange): string[] => forwardChangeLines(r, 'result').map((l) => (l.startsWith('warning: ') ? paint.yellow(l) : l));

export function registerForward(program: Command): void {
  const fwd = program.command('forward').description(NOUN_HELP.forward);
  forwardAdd(fwd);
  forwardList(fwd);
  forwardExtend(fwd);
  forwardRevoke(fwd);
  forwardPersist(fwd);
  forwardReap(fwd);
}

/** `forward add` */
function forwardAdd(fwd: Command): void {
  hostOpt(fwd.command('add'))
    .description('forward EXT_PORT from one source to a LAN device until a deadline (or, with --permanent, until revoked)')
    .requiredOption('--from <ip|cidr>', 'the one source allowed (IPv4 address or network)')
    .requiredOption('--port <n>', 'external port on the router')
    .requiredOption('--to <lan-ip:port>', 'the LAN device, e.g. 192.168.1.50:80')
    .option('--ttl <duration>', 'how long: 90s, 30m, 2h, 1d (5s to 7d)')
    .option('--permanent', 'no deadline, kept until revoked (a public web host\'s 80/443); offered to persist across reboots')
    .option('--public', 'with --permanent: allow --from 0.0.0.0/0 (the whole internet)')
    .addOption(new Option('--proto <p>', 'protocol').choices(['tcp', 'udp']).default('tcp'))
    .option('--dry-run', 'print the exact iptables-restore input and change nothing')
    .option('--allow-any-source', 'allow a timed forward from 0.0.0.0/0 (the whole internet)')
    .option('--allow-public-destination', 'allow a --to that is not a private LAN address')
    .action(action(async (o) => {
      const r = await (await fwdService()).addForward({ host: o.host, from: o.from, port: o.port, to: o.to, ttl: o.ttl, permanent: Boolean(o.permanent), public: Boolean(o.public), proto: o.proto, 'dry-run': Boolean(o.dryRun), 'allow-any-source': Boolean(o.allowAnySource), 'allow-public-destination': Boolean(o.allowPublicDestination) }, connector(o));
      emit(o, r, changeLines);
    }));
}

/** `forward list` */
function forwardList(fwd: Command): void {
  hostOpt(fwd.command('list'))
    .description('forwards read back from the firewall, soonest deadline first')
    .action(action(async (o) => {
      const r = await (await fwdService()).listForwards(o.host, connector(o));
      emit(o, r, (x) => [
        `${x.host} (${x.where})`,
        ...table(x.forwards.map((f) => { const c = forwardCells(f); return [...c.slice(0, 4), f.deadline, ...c.slice(4)]; }), [...FORWARD_HEADERS.slice(0, 4), 'DEADLINE (UTC)', ...FORWARD_HEADERS.slice(4)]),
        ...x.warnings.map((w) => paint.yellow(`warning: ${w}`)),
      ]);
    }));
}

/** `forward extend` */
function forwardExtend(fwd: Command): void {
  hostOpt(fwd.command('extend'))
    .description('move a forward\'s deadline to now + TTL (one atomic replace)')
    .argument('<id>')
    .requiredOption('--ttl <duration>', '90s, 30m, 2h, 1d')
    .option('--dry-run', 'print what would change')
    .action(action(async (id: string, o) => emit(o, await (await fwdService()).extendForward({ host: o.host, id, ttl: o.ttl, 'dry-run': Boolean(o.dryRun) }, connector(o)), changeLines)));
}

/** `forward revoke` */
function forwardRevoke(fwd: Command): void {
  hostOpt(fwd.command('revoke'))
    .description('remove a forward now (both rules, one transaction)')
    .argument('<id>')
    .option('--dry-run', 'print what would change')
    .action(action(async (id: string, o) => emit(o, await (await fwdService()).revokeForward({ host: o.host, id, 'dry-run': Boolean(o.dryRun) }, connector(o)), changeLines)));
}

/** `forward persist` */
function forwardPersist(fwd: Command): void {
  hostOpt(fwd.command('persist'))
    .description('save the running iptables rules with netfilter-persistent, so permanent forwards come back after a reboot')
    .option('--dry-run', 'print what would run')
    .action(action(async (o) => emit(o, await (await fwdService()).persistRules({ host: o.host, 'dry-run': Boolean(o.dryRun) }, connector(o)), changeLines)));
}

/** `forward reap` */
function forwardReap(fwd: Command): void {
  hostOpt(fwd.command('reap'))
    .description('remove every expired forward; --install-cron makes the host do it every minute by itself')
    .option('--install-cron', 'install a POSIX sh reaper script and a crontab line on the host')
    .option('--script-path <path>', 'where the reaper script goes (with --install-cron)', '/usr/local/sbin/commbase-admin-reap')
    .option('--dry-run', 'print what would change')
    .action(action(async (o) => {
      if (o.installCron) {
        const r = await (await fwdService()).installReaper({ host: o.host, 'script-path': o.scriptPath, 'dry-run': Boolean(o.dryRun) }, connector(o));
        emit(o, r, (x) => [`${x.host} (${x.where}): reaper ${x.outcome}`, `  script:  ${x.script}`, `  crontab: ${x.crontabLine}`]);
        return;
      }
      emit(o, await (await fwdService()).reapForwards({ host: o.host, 'dry-run': Boolean(o.dryRun) }, connector(o)), changeLines);
    }));
}
