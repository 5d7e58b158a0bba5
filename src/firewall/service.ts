// Opening and closing ports on a host, with ufw or iptables, through a Runner. Validation happens before
// any connection; every change is checked first ("already open"), applied, then read back.
import { z } from 'zod';
import { ExternalError, UserError } from '../core/errors.js';
import { parseInput } from '../core/validate.js';
import type { Runner } from '../runners/types.js';
import { persistenceWarning } from './persist.js';
import { audited } from '../services/audit.js';
import { getHost, withRunner, type HostEntry, type Connector } from '../services/hosts.js';
import { hostNameKey, type Backend } from '../core/names.js';
import * as ipt from './iptables.js';
import { describeSession, iptablesMatch, iptablesVerdict, ufwMatch, ufwVerdict, type SshSession, type Verdict } from './lockout.js';
import { FW_DROP_TAG, describeRule, familiesOf, portRuleInput, sameRule, toPortRule, type Family, type ListedRule, type PortRule } from './model.js';
import { reachAfterClose, reachOf } from './reach.js';
import * as ufw from './ufw.js';

export type FirewallDeps = Connector;

export interface FirewallState {
  backend: Backend;
  /** ufw: whether it is enabled; iptables: always true. */
  active: boolean;
  /** iptables: the INPUT policy per family. */
  policy?: Partial<Record<Family, string>>;
  /** ufw: the default incoming policy (deny, reject or allow), when it says. */
  defaultIncoming?: string;
  rules: ListedRule[];
  warnings: string[];
}

export interface ChangeResult {
  host: string;
  where: string;
  backend: Backend;
  rule: string;
  outcome: 'opened' | 'already open' | 'would open' | 'closed' | 'already closed' | 'would close' | 'enabled' | 'already enabled' | 'would enable' | 'disabled' | 'already disabled' | 'would disable';
  dryRun: boolean;
  commands: string[][];
  warnings: string[];
  /** Who can reach the port afterwards, read from the rules themselves (reach.ts); opening and closing only. */
  reach?: string;
  /** Opening "from X" leaves the port open to others anyway (the policy accepts, ufw is off…). */
  restrictsNothing?: boolean;
}

const run = (r: Runner, argv: string[], allowFailure = false) => r.run(argv, { privileged: true, allowFailure });

export async function readState(runner: Runner, backend: Backend): Promise<FirewallState> {
  if (backend === 'ufw') {
    const status = await run(runner, ufw.statusArgv);
    const added = await run(runner, ufw.showAddedArgv);
    const defaultIncoming = ufw.parseDefaultIncoming(status.stdout);
    const raw = await rawIptablesBesideUfw(runner);
    return { backend, active: ufw.parseActive(status.stdout), ...(defaultIncoming ? { defaultIncoming } : {}), rules: ufw.parseShowAdded(added.stdout), warnings: raw };
  }
  const rules: ListedRule[] = [];
  const policy: Partial<Record<Family, string>> = {};
  const warnings: string[] = [];
  // The two families are separate tables: read both at once (two channels on one SSH connection).
  const chains = await Promise.allSettled(([4, 6] as const).map(async (family) => ipt.parseInputChain((await run(runner, ipt.listArgv(family))).stdout, family)));
  chains.forEach((c, i) => {
    const family = i === 0 ? 4 : 6;
    if (c.status === 'fulfilled') {
      policy[family] = c.value.policy;
      rules.push(...c.value.rules);
    } else if (family === 4) {
      throw c.reason;
    } else {
      warnings.push(`ip6tables is not usable on ${runner.where}: IPv6 rules are not managed (${(c.reason as Error).message})`);
    }
  });
  // ufw active beside raw iptables rules: two tools writing one rule set, each blind to the other's rules.
  const ufwStatus = await runner.run(['sh', '-c', 'command -v ufw >/dev/null && ufw status'], { privileged: true, allowFailure: true }).catch(() => undefined);
  if (ufwStatus && ufwStatus.exitCode === 0 && ufw.parseActive(ufwStatus.stdout)) {
    warnings.push(`ufw is active on ${runner.where} too: rules added here with iptables sit beside ufw's own and ufw does not show them; manage this host with one of them (its backend: ufw)`);
  }
  return { backend, active: true, policy, rules, warnings };
}

/** INPUT rules that are not ufw's own (its chains are ufw-*): made by hand or by another tool beside ufw. */
async function rawIptablesBesideUfw(runner: Runner): Promise<string[]> {
  const r = await runner.run(['iptables', '-w', '5', '-S', 'INPUT'], { privileged: true, allowFailure: true }).catch(() => undefined);
  if (!r || r.exitCode !== 0) return [];
  const foreign = r.stdout.split('\n').filter((l) => l.startsWith('-A INPUT ') && !/ -j ufw6?-/.test(l));
  return foreign.length ? [`${foreign.length} raw iptables INPUT rule(s) on ${runner.where} sit beside ufw's (e.g. ${foreign[0]!.slice(0, 80)}): ufw does not show or manage them`] : [];
}

/** The rule's families that this host can manage (ip6tables may be missing). */
function ipFamilies(rule: PortRule, state: FirewallState): Family[] {
  return familiesOf(rule).filter((f) => state.policy?.[f] !== undefined);
}

function resolve(raw: z.input<typeof portRuleInput>): { host: HostEntry; backend: Backend; rule: PortRule; dryRun: boolean; restrict: boolean } {
  const input = parseInput(portRuleInput, raw);
  const host = getHost(input.host);
  const backend = input.backend ?? host.backend;
  if (input.restrict && backend === 'ufw') throw new UserError('invalid restrict: with ufw, its default incoming policy (deny) keeps others out once ufw is enabled', [`enable ufw: commbase-admin fw enable --host ${host.name}`], 'restrict');
  if (input.restrict && !input.from) throw new UserError('invalid restrict: it keeps everyone but --from out, so it needs --from', [], 'restrict');
  return { host, backend, rule: toPortRule(input), dryRun: input['dry-run'], restrict: input.restrict };
}

const isDrop = (r: ListedRule) => r.comment === FW_DROP_TAG;

/** The rules as they will be: our ACCEPT(s) first (-I), our DROP(s) last (-A). For previews and the reach line. */
function planned(state: FirewallState, rule: PortRule, accepts: Family[], drops: Family[]): FirewallState {
  const listed = (family: Family | undefined, raw: string, action: string, from: string): ListedRule => ({ backend: state.backend, action, port: rule.port, proto: rule.proto, from, ...(family ? { family } : {}), ours: true, raw });
  const head = state.backend === 'ufw'
    ? (accepts.length ? [listed(undefined, ufw.allowArgv(rule).join(' '), 'allow', rule.from ?? 'any')] : [])
    : accepts.map((f) => listed(f, `-A INPUT ${ipt.ruleSpec(rule).join(' ')}`, 'ACCEPT', rule.from ?? 'any'));
  const tail = drops.map((f) => ({ ...listed(f, `-A INPUT ${ipt.dropSpec(rule).join(' ')}`, 'DROP', 'any'), comment: FW_DROP_TAG }));
  return { ...state, rules: [...head, ...state.rules, ...tail] };
}

function reachLine(state: FirewallState, rule: PortRule, runner: Runner): ReturnType<typeof reachOf> {
  const s = runner.session;
  return reachOf(state, rule, s ? { [s.family]: s.server } : {});
}

function restrictAdvice(backend: Backend, state: FirewallState, host: string, rule: PortRule): string {
  if (backend === 'ufw') return state.active
    ? `ufw's default incoming policy lets everyone in: make it deny (ufw default deny incoming) with SSH allowed first`
    : `ufw is inactive on ${host}: enable it (the Firewall screen's u, or commbase-admin fw enable --host ${host}); its default incoming policy then keeps others out`;
  return `to make it true, add a DROP for ${rule.port}/${rule.proto} from everyone else, removed with the rule (fw open … --restrict; d in the Firewall screen)`;
}

/** What a caller asks for: the same fields as `fw open|close`, typed. */
export type PortRequest = z.input<typeof portRuleInput>;

export async function openPort(raw: PortRequest, deps: FirewallDeps): Promise<ChangeResult> {
  const { host, backend, rule, dryRun, restrict } = resolve(raw);
  return withRunner(host.name, deps.connect, async (runner) => {
    const state = await readState(runner, backend);
    let commands: string[][];
    let after: FirewallState;
    if (backend === 'ufw') {
      const missing = !state.rules.some((r) => r.action === 'allow' && sameRule(r, rule));
      commands = missing ? [ufw.allowArgv(rule)] : [];
      after = planned(state, rule, missing ? [4] : [], []);
    } else {
      const exists = async (argv: string[]) => (await run(runner, argv, true)).exitCode === 0;
      const accepts = (await Promise.all(ipFamilies(rule, state).map(async (f) => ((await exists(ipt.checkArgv(rule, f))) ? undefined : f)))).filter((f): f is Family => f !== undefined);
      // --restrict drops the port in every family the host manages: a rule from an IPv4 network leaves IPv6 open otherwise.
      const dropFamilies = restrict ? ([4, 6] as const).filter((f) => state.policy?.[f] !== undefined) : [];
      const drops = (await Promise.all(dropFamilies.map(async (f) => ((await exists(ipt.dropArgv(rule, f, '-C'))) ? undefined : f)))).filter((f): f is Family => f !== undefined);
      commands = [...accepts.map((f) => ipt.insertArgv(rule, f)), ...drops.map((f) => ipt.dropArgv(rule, f, '-A'))];
      after = planned(state, rule, accepts, drops);
      refuseLockoutAdding(runner, state, after, `dropping ${rule.port}/${rule.proto} for everyone but ${rule.from}`, host.name);
    }
    const reach = reachLine(after, rule, runner);
    const warnings = [...state.warnings];
    if (reach.restrictsNothing) warnings.push(`"from ${rule.from}" restricts nothing on ${host.name}; ${restrictAdvice(backend, state, host.name, rule)}`);
    if (backend === 'ufw' && !state.active) warnings.push(`ufw is inactive on ${host.name}: the rule is recorded but not enforced until ufw is enabled (commbase-admin fw enable --host ${host.name})`);
    if (backend === 'iptables' && commands.length) warnings.push(...(await persistenceWarning(runner, host.name, 'an iptables rule')));
    const base = { host: host.name, where: runner.where, backend, rule: describeRule(rule), dryRun, commands, warnings, reach: reach.line, restrictsNothing: reach.restrictsNothing };
    if (commands.length === 0) return { ...base, outcome: 'already open' };
    if (dryRun) return { ...base, outcome: 'would open' };
    return await audited({ action: 'fw.open', host: host.name, target: `${base.rule}${restrict ? ' (restricted: DROP for everyone else)' : ''}` }, async () => {
      // The ACCEPTs first (inserted on top), the DROPs after them (appended): no moment drops the allowed source.
      await applyAll(runner, backend, commands.filter((c) => !c.includes('DROP')));
      await applyAll(runner, backend, commands.filter((c) => c.includes('DROP')));
      // The reach line from the rules as they are now (read back), not as planned.
      const now = reachLine(await confirm(runner, backend, rule, true), rule, runner);
      return { ...base, reach: now.line, restrictsNothing: now.restrictsNothing, outcome: 'opened' as const };
    }, (r) => r);
  });
}

export async function closePort(raw: PortRequest, deps: FirewallDeps): Promise<ChangeResult> {
  const { host, backend, rule, dryRun } = resolve(raw);
  return withRunner(host.name, deps.connect, async (runner) => {
    const state = await readState(runner, backend);
    const ours = state.rules.filter((r) => r.ours && !isDrop(r) && sameRule(r, rule));
    const foreign = state.rules.filter((r) => !r.ours && sameRule(r, rule));
    // Our DROPs for this port (every family) go with the last of our ACCEPTs for it.
    const acceptsLeft = state.rules.some((r) => r.ours && !isDrop(r) && !ours.includes(r) && r.port === rule.port && r.proto === rule.proto);
    const drops = ours.length && !acceptsLeft ? state.rules.filter((r) => isDrop(r) && r.port === rule.port && r.proto === rule.proto) : [];
    const base = { host: host.name, where: runner.where, backend, rule: describeRule(rule), dryRun, warnings: [...state.warnings] };
    if (ours.length === 0) {
      if (foreign.length > 0) {
        throw new UserError(`failed to close ${describeRule(rule)} on ${host.name}: the rule there was not made by commbase-admin, so it is left alone`, [
          `remove it with ${backend} yourself if you mean to: ${foreign[0]!.raw}`,
        ], 'port');
      }
      return { ...base, commands: [], outcome: 'already closed' };
    }
    refuseLockout(runner, state, ours, `closing ${describeRule(rule)}`, host.name);
    const commands = backend === 'ufw' ? [ufw.deleteArgv(rule)] : [...[...new Set(ours.map((r) => r.family!))].map((f) => ipt.deleteArgv(rule, f)), ...drops.map((r) => ipt.dropArgv(rule, r.family!, '-D'))];
    if (dryRun) return { ...base, commands, outcome: 'would close' };
    return await audited({ action: 'fw.close', host: host.name, target: base.rule }, async () => {
      await applyAll(runner, backend, commands);
      const now = await confirm(runner, backend, rule, false);
      return { ...base, commands, reach: reachAfterClose(now, { port: rule.port, proto: rule.proto }, runner.session ? { [runner.session.family]: runner.session.server } : {}), outcome: 'closed' as const };
    }, (r) => r);
  });
}

/** iptables' commands touch one family each, so they run at once; ufw's run in turn (ufw takes a lock). */
async function applyAll(runner: Runner, backend: Backend, commands: string[][]): Promise<void> {
  if (backend === 'iptables') {
    const results = await Promise.allSettled(commands.map((argv) => run(runner, argv)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return;
  }
  for (const argv of commands) await run(runner, argv);
}

/** A rule added (the --restrict DROP) must not cut off the session either: refused when it gets in now and would not after. */
function refuseLockoutAdding(runner: Runner, state: FirewallState, after: FirewallState, what: string, hostName: string): void {
  const session = runner.session;
  if (!session) return;
  const now = sessionVerdict(state, state.rules, session);
  const then = sessionVerdict(after, after.rules, session);
  if (now.allowed && !then.allowed) {
    throw new UserError(`REFUSED: ${what} on ${hostName} would cut off the SSH session this change is made through (${describeSession(session)}): afterwards ${then.why}`, [
      `allow SSH first from your own address (fw open --host ${hostName} --port ${session.port} --from ${session.source}), then try again`,
    ], 'restrict');
  }
}

/** Whether the SSH session (and a new login like it) gets in through this firewall state. */
function sessionVerdict(state: FirewallState, rules: readonly ListedRule[], session: SshSession, active = state.active): Verdict {
  return state.backend === 'ufw'
    ? ufwVerdict(rules, active, state.defaultIncoming, session)
    : iptablesVerdict(rules.filter((r) => r.family === session.family), state.policy?.[session.family], session);
}

/**
 * A change that would cut off the SSH session it is made through is refused: if the session gets in now and
 * would not once `removing` is gone, or if nothing provably lets it in now and `removing` might be what does.
 */
function refuseLockout(runner: Runner, state: FirewallState, removing: readonly ListedRule[], what: string, hostName: string): void {
  const session = runner.session;
  if (!session) return;
  const after = sessionVerdict(state, state.rules.filter((r) => !removing.includes(r)), session);
  if (after.allowed) return;
  const before = sessionVerdict(state, state.rules, session);
  const touches = removing.some((r) => (state.backend === 'ufw' ? ufwMatch(r.raw, session).match : iptablesMatch(r.raw, session).match) !== 'no');
  if (before.allowed || touches) {
    throw new UserError(`REFUSED: ${what} on ${hostName} would cut off the SSH session this change is made through (${describeSession(session)}): afterwards ${after.why}`, [
      `allow SSH first by a rule that matches it alone (e.g. fw open --host ${hostName} --port ${session.port} --from ${session.source}), then try again`,
    ], 'port');
  }
}

/** Read the rules back: the change must be there (or gone). Returns what was read (for the reach line). */
async function confirm(runner: Runner, backend: Backend, rule: PortRule, shouldExist: boolean): Promise<FirewallState> {
  const after = await readState(runner, backend);
  const present = after.rules.some((r) => r.ours && sameRule(r, rule));
  if (present !== shouldExist) {
    throw new ExternalError(`failed to change ${describeRule(rule)} on ${runner.where}: read back, the rule is ${present ? 'still there' : 'missing'}`,
      backend === 'ufw' ? ufw.showAddedArgv : ipt.listArgv(4), 0, '', runner.where);
  }
  return after;
}

export async function listRules(hostName: string, deps: FirewallDeps, backendOverride?: Backend): Promise<FirewallState & { host: string; where: string }> {
  const name = parseInput(z.object({ host: hostNameKey }), { host: hostName }).host;
  return withRunner(name, deps.connect, async (runner, host) => ({ host: host.name, where: runner.where, ...(await readState(runner, backendOverride ?? host.backend)) }));
}

/** Enabling ufw is refused unless the SSH port it is done through is allowed. */
export async function enableUfw(hostName: string, deps: FirewallDeps, dryRun = false): Promise<ChangeResult> {
  const name = parseInput(z.object({ host: hostNameKey }), { host: hostName }).host;
  return withRunner(name, deps.connect, async (runner, host) => {
    const state = await readState(runner, 'ufw');
    const base = { host: host.name, where: runner.where, backend: 'ufw' as const, rule: 'ufw', dryRun, warnings: [] };
    if (state.active) return { ...base, commands: [], outcome: 'already enabled' };
    const session = runner.session;
    const verdict = session ? sessionVerdict(state, state.rules, session, true) : undefined;
    if (session && verdict && !verdict.allowed) {
      throw new UserError(`REFUSED: enabling ufw on ${host.name} would cut off the SSH session this is done through (${describeSession(session)}): no rule allows port ${session.port}/tcp from ${session.source} (${verdict.why})`, [
        `allow it first, from your address alone or from anywhere: commbase-admin fw open --host ${host.name} --port ${session.port} --from ${session.source} --backend ufw`,
      ], 'host');
    }
    if (dryRun) return { ...base, commands: [ufw.enableArgv], outcome: 'would enable' };
    return await audited({ action: 'fw.enable', host: host.name, target: 'ufw' }, async () => {
      await run(runner, ufw.enableArgv);
      return { ...base, commands: [ufw.enableArgv], outcome: 'enabled' as const };
    }, (r) => r);
  });
}

/** Disabling ufw opens the host to whatever its default policies allow: the screen asks for the host's name first. */
export async function disableUfw(hostName: string, deps: FirewallDeps, dryRun = false): Promise<ChangeResult> {
  const name = parseInput(z.object({ host: hostNameKey }), { host: hostName }).host;
  return withRunner(name, deps.connect, async (runner, host) => {
    const state = await readState(runner, 'ufw');
    const base = { host: host.name, where: runner.where, backend: 'ufw' as const, rule: 'ufw', dryRun, warnings: [] };
    if (!state.active) return { ...base, commands: [], outcome: 'already disabled' };
    if (dryRun) return { ...base, commands: [ufw.disableArgv], outcome: 'would disable' };
    return await audited({ action: 'fw.disable', host: host.name, target: 'ufw' }, async () => {
      await run(runner, ufw.disableArgv);
      return { ...base, commands: [ufw.disableArgv], outcome: 'disabled' as const };
    }, (r) => r);
  });
}

/** How a planned command is shown to a person: exactly the string the SSH runner would send. */
export { quoteArgv as formatCommand } from '../core/quote.js';
