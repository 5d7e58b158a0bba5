// The presenters the CLI, the screens and the dashboard share: model in, rows of strings out.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldCheck } from '../../src/present/fields.js';
import { changeLines, firewallStatus, ruleCells } from '../../src/present/firewall.js';
import { forwardCells, forwardChangeLines } from '../../src/present/forwards.js';
import type { ChangeResult } from '../../src/firewall/service.js';
import type { ForwardChange } from '../../src/firewall/forward-service.js';
import type { Forward } from '../../src/firewall/forwards.js';

const change: ChangeResult = { host: 'router', where: 'root@10.0.0.1:22 (router)', backend: 'iptables', rule: '5000/tcp from anywhere', outcome: 'would open', dryRun: true, commands: [['iptables', '-w', '5', '-I', 'INPUT', '-p', 'tcp', '--dport', '5000', '-m', 'comment', '--comment', 'commbase-admin:fw', '-j', 'ACCEPT']], warnings: ['ufw is inactive'] };

describe('firewall presenters', () => {
  it('a rule as table cells, and the state as one status line', () => {
    expect(ruleCells({ backend: 'iptables', action: 'ACCEPT', port: 22, proto: 'tcp', from: 'any', family: 4, ours: true, comment: 'commbase-admin:fw', raw: '' })).toEqual(['*', 'ACCEPT', '22', 'tcp', 'any', 'v4', 'commbase-admin:fw']);
    expect(ruleCells({ backend: 'ufw', action: 'allow', proto: 'any', from: '10.0.0.0/8', ours: false, raw: '' })).toEqual([' ', 'allow', '-', 'any', '10.0.0.0/8', '', '']);
    expect(firewallStatus({ backend: 'iptables', active: true, policy: { 4: 'DROP', 6: 'ACCEPT' } })).toBe('iptables, INPUT policy v4 DROP v6 ACCEPT');
    expect(firewallStatus({ backend: 'ufw', active: false })).toBe('ufw INACTIVE');
  });

  it('a change before (preview) and after (result), the commands quoted as the SSH runner sends them', () => {
    expect(changeLines(change, 'preview')).toEqual([
      'router (root@10.0.0.1:22 (router)), iptables: 5000/tcp from anywhere', 'will run:',
      '  iptables -w 5 -I INPUT -p tcp --dport 5000 -m comment --comment commbase-admin:fw -j ACCEPT', 'warning: ufw is inactive',
    ]);
    expect(changeLines({ ...change, dryRun: false, outcome: 'opened' }, 'result').slice(0, 2)).toEqual(['router (root@10.0.0.1:22 (router)), iptables: 5000/tcp from anywhere: opened', 'ran:']);
    expect(changeLines({ ...change, commands: [], outcome: 'already open', warnings: [] }, 'preview')).toEqual(['router (root@10.0.0.1:22 (router)), iptables: 5000/tcp from anywhere', 'nothing to do: already open']);
  });
});

describe('forward presenters', () => {
  const f: Forward = { id: 'a1b2c3d4', from: '203.0.113.7/32', port: 8080, proto: 'tcp', to: '192.168.1.50:80', deadline: '2026-11-26T10:00:00Z', secondsLeft: 125, expired: false, complete: true } as Forward;
  it('counts down, says EXPIRED, and marks a forward with one rule missing', () => {
    expect(forwardCells(f)).toEqual(['a1b2c3d4', '203.0.113.7/32', '8080/tcp', '192.168.1.50:80', '2m 05s', '']);
    expect(forwardCells(f, 0)[4]).toBe('EXPIRED');
    expect(forwardCells({ ...f, complete: false })[5]).toBe('INCOMPLETE');
  });
  it('shows the iptables-restore batch a change feeds', () => {
    const c: ForwardChange = { host: 'router', where: 'local', id: 'a1b2c3d4', deadline: '2026-11-26T10:00:00.000Z', outcome: 'would add', dryRun: true, commands: [], batch: '*nat\n-A PREROUTING x\nCOMMIT\n', warnings: [] };
    expect(forwardChangeLines(c, 'preview')).toEqual(['router (local): forward a1b2c3d4: would add, until 2026-11-26T10:00:00.000Z', 'would feed to iptables-restore --noflush (one transaction):', '  *nat', '  -A PREROUTING x', '  COMMIT']);
  });
});

describe('form field checks', () => {
  it('answer as the command line would, and treat empty as the field says', () => {
    const port = fieldCheck(z.coerce.number().int().max(65535, 'must be at most 65535'), 'port');
    expect(port('70000')).toBe('port "70000": must be at most 65535');
    expect(port('')).toBe('port: must not be empty');
    expect(fieldCheck(z.string().min(3), 'from', { optional: true })('')).toBeUndefined();
    expect(port('22')).toBeUndefined();
  });
});

describe('table columns', () => {
  it('size to content when it fits, and give way from the widest when it does not', async () => {
    const { columnWidths, formatRow } = await import('../../src/ui/Table.js');
    const cols = [{ title: 'STATE', width: 7 }, { title: 'NAME', width: 14 }, { title: 'ID', width: 14 }];
    const name = 'a client name of 28 chars...';
    expect(name).toHaveLength(28);
    const rows = [['online', name, 'issued-0a1b2c3d']];
    expect(columnWidths(cols, rows, 158)).toEqual([6, 28, 15]);
    expect(formatRow(rows[0]!, columnWidths(cols, rows, 158))).toContain(name);
    // 40 columns: the name gives way first, down to its floor; the ID next.
    expect(columnWidths(cols, rows, 40)).toEqual([6, 17, 15]);
    expect(columnWidths(cols, rows, 20)).toEqual([6, 14, 14]);
  });
});

describe('the Forwards form', () => {
  it('refuses a public destination at the field where it is typed', async () => {
    const { ADD_FIELDS } = await import('../../src/screens/Forwards/use-forwards.js');
    const to = ADD_FIELDS.find((f) => f.key === 'to')!;
    expect(to.validate!('8.8.8.8:80')).toMatch(/to "8\.8\.8\.8:80": is not a private \(LAN\) address/);
    expect(to.validate!('192.168.1.50:80')).toBeUndefined();
    expect(to.validate!('192.168.1.50')).toMatch(/LAN_IPv4:PORT/);
  });
});
