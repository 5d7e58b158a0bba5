// The History screen from a real audit log: newest first, failures stand out, the selected record in full
// (who, target, the exact commands), and r reads the log again.
import React from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { History } from '../../src/screens/History/History.js';
import { record } from '../../src/services/audit.js';
import { keyFor, press, waitForFrame } from '../helpers/ink.js';
import { withTempDir } from '../helpers/tmp.js';

let t: { dir: string; cleanup: () => Promise<void> };
const saved = process.env.XDG_DATA_HOME;
beforeEach(async () => { t = await withTempDir(); process.env.XDG_DATA_HOME = t.dir; });
afterEach(async () => { process.env.XDG_DATA_HOME = saved; await t.cleanup(); });

describe('history screen', () => {
  it('lists changes newest first, shows the selected one in full, and reloads', async () => {
    await record({ action: 'fw.open', host: 'relay1', target: '5000/tcp from any', outcome: 'opened', commands: [['iptables', '-w', '5', '-I', 'INPUT', '-p', 'tcp', '--dport', '5000', '-m', 'comment', '--comment', 'commbase-admin:fw', '-j', 'ACCEPT']] });
    await record({ action: 'forward.add', host: 'router', target: 'a1b2c3d4 203.0.113.5/32 → :8443/tcp', outcome: 'failed: iptables-restore: line 3 failed' });
    const r = render(<History onExit={() => {}} />);
    try {
      const frame = await waitForFrame(r.lastFrame, 'forward.add');
      const lines = frame.split('\n');
      expect(lines.findIndex((l) => l.includes('forward.add'))).toBeLessThan(lines.findIndex((l) => l.includes('fw.open')));
      expect(frame).toMatch(/forward\.add on router by \S+ at 20\d\d-/);
      expect(frame).toContain('outcome: failed: iptables-restore: line 3 failed');
      expect(frame).toMatch(/r reload/);

      await press(r.stdin, keyFor('list.down'));
      const second = await waitForFrame(r.lastFrame, 'fw.open on relay1');
      expect(second).toContain('$ iptables -w 5 -I INPUT -p tcp --dport 5000');

      await record({ action: 'config.set', host: 'local', target: '/etc/commbase.conf: COMMBASE_DATA_EXCHANGE_SERVER_PORT', outcome: 'saved' });
      await press(r.stdin, keyFor('history.reload'));
      await waitForFrame(r.lastFrame, '3 change(s)');
    } finally {
      r.unmount();
    }
  });

  it('says where the log is when nothing has changed yet', async () => {
    const r = render(<History onExit={() => {}} />);
    try {
      await waitForFrame(r.lastFrame, 'nothing changed yet');
    } finally {
      r.unmount();
    }
  });
});
