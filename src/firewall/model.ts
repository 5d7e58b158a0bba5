// What a firewall rule is, for every backend. Inputs are parsed here; backends build argv from typed values.
import { z } from 'zod';
import { isIP, cidr, normaliseCidr, port, sameNetwork } from '../core/net.js';
import { BACKENDS, hostNameKey } from '../core/names.js';

/** Every rule commbase-admin makes carries this tag (an iptables comment, a ufw comment). */
export const TAG = 'commbase-admin';
export const FW_TAG = `${TAG}:fw`;
/** The DROP `fw open --restrict` appends after its ACCEPT (iptables), so "from X" means from X only. */
export const FW_DROP_TAG = `${TAG}:fw-drop`;

export const PROTOCOLS = ['tcp', 'udp'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const portRuleInput = z.object({
  host: hostNameKey.default('local'),
  port,
  proto: z.enum(PROTOCOLS, { message: 'must be tcp or udp' }).default('tcp'),
  from: cidr.optional(),
  backend: z.enum(BACKENDS, { message: 'must be ufw or iptables' }).optional(),
  /** iptables: also DROP the port for everyone else (appended, tagged, removed with the rule). */
  restrict: z.boolean().default(false),
  'dry-run': z.boolean().default(false),
});
export type PortRuleInput = z.output<typeof portRuleInput>;

export interface PortRule {
  port: number;
  proto: Protocol;
  /** A CIDR, or undefined for "from anywhere". */
  from?: string;
}

export function toPortRule(input: { port: number; proto: Protocol; from?: string | undefined }): PortRule {
  return { port: input.port, proto: input.proto, ...(input.from ? { from: normaliseCidr(input.from) } : {}) };
}

export type Family = 4 | 6;

/** Which IP families a rule applies to: the family of its source, or both when it is from anywhere. */
export function familiesOf(rule: PortRule): Family[] {
  if (!rule.from) return [4, 6];
  return isIP(rule.from.split('/')[0]!) === 6 ? [6] : [4];
}

/** A rule as read back from a host, whoever made it. */
export interface ListedRule {
  backend: 'ufw' | 'iptables';
  action: string;
  port?: number;
  proto: Protocol | 'any';
  from: string;
  family?: Family;
  ours: boolean;
  comment?: string;
  raw: string;
}

export function describeRule(rule: PortRule): string {
  return `${rule.port}/${rule.proto} from ${rule.from ?? 'anywhere'}`;
}

/** Same port, protocol and source. */
export function sameRule(listed: ListedRule, rule: PortRule): boolean {
  return listed.port === rule.port && listed.proto === rule.proto && sameNetwork(listed.from === 'any' ? 'any' : normaliseCidr(listed.from), rule.from ?? 'any');
}
