import { appendFile, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DocumentStore } from '../../src/relay/store.js';
import { AuthStore } from '../../src/relay/auth.js';
import { withTempDir } from '../helpers/tmp.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => { while (cleanups.length) await cleanups.pop()!(); });

describe('relay document store', () => {
  it('keeps documents across a reopen, ignores a torn last line, and drops the oldest beyond --keep', async () => {
    const t = await withTempDir();
    cleanups.push(t.cleanup);
    let s = await DocumentStore.open(t.dir, 3);
    for (const n of [1, 2, 3, 4]) await s.save({ n });
    expect(s.all()).toEqual([{ n: 2 }, { n: 3 }, { n: 4 }]);
    expect(await s.update(1, { n: 'first' })).toBe(true);
    expect(await s.update(4, { n: 'x' })).toBe(false);
    await s.close();
    expect((await stat(path.join(t.dir, 'documents.log'))).mode & 0o777).toBe(0o600);
    await appendFile(path.join(t.dir, 'documents.log'), '{"t":"save","doc":{"torn"');
    s = await DocumentStore.open(t.dir, 3);
    expect(s.all()).toEqual([{ n: 'first' }, { n: 3 }, { n: 4 }]);
    await s.close();
  });

  it('compacts a long log into an atomic snapshot and reads it back', async () => {
    const t = await withTempDir();
    cleanups.push(t.cleanup);
    let s = await DocumentStore.open(t.dir, 10);
    for (let i = 0; i < 1100; i++) await s.save({ i });
    await s.close();
    const snapshot = JSON.parse(await readFile(path.join(t.dir, 'documents.json'), 'utf8')) as unknown[];
    expect(snapshot.length).toBeLessThanOrEqual(10);
    s = await DocumentStore.open(t.dir, 10);
    expect(s.all()).toEqual(Array.from({ length: 10 }, (_, k) => ({ i: 1090 + k })));
    await s.close();
  });
});

describe('relay authorisation store', () => {
  it('stores tokens only as hashes, expires and revokes them, and keeps state across a reopen', async () => {
    const t = await withTempDir();
    cleanups.push(t.cleanup);
    const a = await AuthStore.open(t.dir, 'relay');
    expect(a.serverId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await a.request('c1', 'One', '10.0.0.1')).status).toBe('pending');
    const { token } = await a.approve('c1', { scope: 'read', ttlS: 60 });
    expect(await readFile(path.join(t.dir, 'auth.json'), 'utf8')).not.toContain(token);
    expect((await stat(path.join(t.dir, 'auth.json'))).mode & 0o777).toBe(0o600);
    expect(a.check(token)?.id).toBe('c1');
    expect(a.check(`${token}x`)).toBeUndefined();
    const collected = await a.request('c1', 'One', '10.0.0.1');
    expect(collected.token).toBe(token);
    expect((await a.request('c1', 'One', '10.0.0.1')).token).toBeUndefined(); // delivered once
    const b = await AuthStore.open(t.dir, 'relay');
    expect(b.serverId).toBe(a.serverId);
    expect(b.check(token)?.id).toBe('c1');
    await b.revoke('c1');
    expect(b.check(token)).toBeUndefined();
    const short = await b.issue('temp', 'upload', 60);
    const c = await AuthStore.open(t.dir, 'relay');
    c.clients().find((x) => x.id === short.client.id)!.expiresAt = new Date(Date.now() - 1000).toISOString();
    expect(c.check(short.token)).toBeUndefined();
  });
});
