// `commbase-admin fw …`: open and close ports with ufw or iptables, here or over SSH.
import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import type { ChangeResult } from '../firewall/service.js';
import { RULE_HEADERS, changeLines as presentChange, firewallStatus, ruleCells } from '../present/firewall.js';
import { action } from './boundary.js';
import { withHost } from './common.js';
import { connector } from './connect.js';
import { emit, paint, table } from './output.js';
import { NOUN_HELP } from './noun-help.js';

const fwService = () => import('../firewall/service.js');

function selectors<A extends unknown[], O extends OptionValues, G extends OptionValues>(cmd: Command<A, O, G>) {
  return withHost(cmd)
    .requiredOption('--port <n>', 'port, 1-65535')
    .addOption(new Option('--proto <p>', 'protocol').choices(['tcp', 'udp']).default('tcp'))
    .option('--from <cidr>', 'only from this address or network (default: anywhere)')
    .addOption(new Option('--backend <name>', 'override the host\'s backend').choices(['ufw', 'iptables']))
    .option('--dry-run', 'print the exact commands and change nothing');
}

const changeLines = (r: ChangeResult): string[] => presentChange(r, 'result').map(warnColour);
const warnColour = (l: string) => (l.startsWith('warning: ') ? paint.yellow(l) : l);

export function registerFw(program: Command): void {
  const fw = program.command('fw').description(NOUN_HELP.fw);

  selectors(fw.command('open')).description('allow a port in (checked first, read back after); says who can reach it afterwards')
    .option('--restrict', 'iptables: also DROP the port for everyone but --from (appended after the ACCEPT, removed with it), for a host whose INPUT policy accepts everything')
    .action(action(async (o) => {
    const r = await (await fwService()).openPort({ host: o.host, port: o.port, proto: o.proto, from: o.from, backend: o.backend, restrict: Boolean(o.restrict), 'dry-run': Boolean(o.dryRun) }, connector(o));
    emit(o, r, changeLines);
  }));

  selectors(fw.command('close')).description('remove a rule commbase-admin made (refuses to cut off the SSH session)').action(action(async (o) => {
    const r = await (await fwService()).closePort({ host: o.host, port: o.port, proto: o.proto, from: o.from, backend: o.backend, 'dry-run': Boolean(o.dryRun) }, connector(o));
    emit(o, r, changeLines);
  }));

  withHost(fw.command('list'))
    .description('every rule on the host, the ones commbase-admin made marked')
    .addOption(new Option('--backend <name>', 'override the host\'s backend').choices(['ufw', 'iptables']))
    .action(action(async (o) => {
      const r = await (await fwService()).listRules(o.host, connector(o), o.backend);
      emit(o, r, (x) => [
        `${x.host} (${x.where}), ${firewallStatus(x)}`,
        ...table(x.rules.map(ruleCells), [...RULE_HEADERS]),
        paint.dim('* made by commbase-admin'),
        ...x.warnings.map((w) => paint.yellow(`warning: ${w}`)),
      ]);
    }));

  withHost(fw.command('enable'))
    .description('enable ufw, refusing if the SSH port in use is not allowed')
    .option('--dry-run', 'print the command and change nothing')
    .action(action(async (o) => {
      emit(o, await (await fwService()).enableUfw(o.host, connector(o), Boolean(o.dryRun)), changeLines);
    }));

  withHost(fw.command('disable'))
    .description('disable ufw (the host then accepts whatever its default policies allow)')
    .option('--dry-run', 'print the command and change nothing')
    .action(action(async (o) => {
      emit(o, await (await fwService()).disableUfw(o.host, connector(o), Boolean(o.dryRun)), changeLines);
    }));
}
