import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DocumentStore } from '../../src/relay/store.js';
import { AuthStore, MAX_PENDING_PER_NETWORK, PENDING_IDLE_MS, SHARED_PENDING, sourceNetwork } from '../../src/relay/auth.js';
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
    const snapshot = JSON.parse(await readFile(path.join(t.dir, 'documents.json'), 'utf8')) as { gen: number; docs: unknown[] };
    expect(snapshot.docs.length).toBeLessThanOrEqual(10);
    expect(snapshot.gen).toBeGreaterThan(0);
    s = await DocumentStore.open(t.dir, 10);
    expect(s.all()).toEqual(Array.from({ length: 10 }, (_, k) => ({ i: 1090 + k })));
    await s.close();
  });
});

describe('relay document store under crashes', () => {
  const open = (dir: string, extra: Parameters<typeof DocumentStore.open>[1] = {}) => DocumentStore.open(dir, { log: () => {}, ...(typeof extra === 'object' ? extra : {}) });

  it('cuts a torn tail off before appending, so what is acknowledged after it survives the next restart', async () => {
    const t = await withTempDir();
    cleanups.push(t.cleanup);
    const log = path.join(t.dir, 'documents.log');
    let s = await open(t.dir);
    await s.save({ n: 1 });
    await s.close();
    await appendFile(log, '{"t":"save","doc":{"torn":"half');
    const lines: string[] = [];
    s = await DocumentStore.open(t.dir, { log: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/torn record \(31 bytes/);
    await s.save({ n: 2 });
    await s.save({ n: 3 });
    await s.close();
    s = await open(t.dir);
    expect(s.all()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    await s.close();
  });

  it('recovers records an older version glued to a torn one', async () => {
    const t = await withTempDir();
    cleanups.push(t.cleanup);
    await writeFile(path.join(t.dir, 'documents.log'), '{"t":"save","doc":{"a":1}}\n{"t":"save","doc":{"tor{"t":"save","doc":{"b":2}}\n{"t":"save","doc":{"c":3}}\n');
    const s = await open(t.dir);
    expect(s.all()).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
    await s.close();
  });

  // Writes on the main thread (a fast disk), and in the thread pool (after a slow one: slowSyncMs -1 moves them).
  for (const [io, slowSyncMs] of [['main thread', undefined], ['thread pool', -1]] as const) for (const point of ['compact:after-snapshot', 'compact:after-truncate', 'append:after-write'] as const) {
    it(`a stop at ${point} loses no acknowledged document and duplicates none (writes on the ${io})`, async () => {
      const t = await withTempDir();
      cleanups.push(t.cleanup);
      let armed = false;
      let hit = 0;
      const stop = new Error(`stopped at ${point}`);
      // keep 5: every save also drops one, so the log outgrows the documents and compaction comes due.
      const s = await open(t.dir, { keep: 5, compactAfter: 20, slowSyncMs, crashPoint: (p) => { if (armed && p === point) { hit += 1; throw stop; } } });
      const acked: number[] = [];
      for (let i = 0; i < 10; i++) { await s.save({ i }); acked.push(i); }
      armed = true;
      // Saves until the step stops once (a compaction comes due, or the next write); from there the process is gone.
      for (let i = 10; hit === 0 && i < 40; i++) await s.save({ i }).then(() => acked.push(i), () => undefined);
      expect(hit).toBe(1);
      await s.close().catch(() => undefined);
      const again = await open(t.dir, { keep: 5 });
      const seen = (again.all() as Array<{ i: number }>).map((d) => d.i);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toHaveLength(5);
      // The newest five, in order: everything acknowledged that --keep did not drop is there.
      expect(seen).toEqual(Array.from({ length: 5 }, (_, k) => seen[0]! + k));
      expect(seen.at(-1)!).toBeGreaterThanOrEqual(acked.at(-1)!);
      await again.save({ i: 99 });
      await again.close();
      const third = await open(t.dir, { keep: 5 });
      expect((third.all() as Array<{ i: number }>).map((d) => d.i)).toEqual([...seen.slice(1), 99]);
      await third.close();
    });
  }

  for (const [io, slowSyncMs] of [['main thread', undefined], ['thread pool', -1]] as const) {
    it(`a write that fails after its bytes went out is cut back, refused, and the same store goes on (writes on the ${io})`, async () => {
      const t = await withTempDir();
      cleanups.push(t.cleanup);
      let failNext = false;
      const s = await open(t.dir, { slowSyncMs, crashPoint: (p) => { if (failNext && p === 'append:after-write') { failNext = false; throw new Error('EIO: the disk went away'); } } });
      await s.save({ i: 1 });
      failNext = true;
      await expect(s.save({ i: 2 })).rejects.toThrow(/EIO/);
      expect(s.count()).toBe(1); // refused: not in memory either
      expect(await s.save({ i: 3 })).toBe(2);
      await s.close();
      const again = await open(t.dir);
      expect(again.all()).toEqual([{ i: 1 }, { i: 3 }]);
      await again.close();
    });
  }

  it('moves writes off the main thread after a slow one, says so once, and keeps every document', async () => {
    const t = await withTempDir();
    cleanups.push(t.cleanup);
    const lines: string[] = [];
    const s = await DocumentStore.open(t.dir, { log: (l) => lines.push(l), slowSyncMs: -1 });
    for (let i = 0; i < 5; i++) await s.save({ i });
    expect(lines.filter((l) => l.includes('off the main thread'))).toHaveLength(1);
    await s.close();
    const again = await open(t.dir);
    expect(again.all()).toEqual([0, 1, 2, 3, 4].map((i) => ({ i })));
    await again.close();
  });

  it('shares one write among uploads that arrive together, each with its own id', async () => {
    const t = await withTempDir();
    cleanups.push(t.cleanup);
    const s = await open(t.dir, { keep: 1000 });
    const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => s.save({ i })));
    expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(await s.update(1, { i: 'one' })).toBe(true);
    await s.close();
    const again = await open(t.dir);
    expect(again.all()[0]).toEqual({ i: 'one' });
    expect(again.count()).toBe(50);
    await again.close();
  });
});

describe('relay authorisation store', () => {
  it('stores tokens only as hashes, expires and revokes them, and keeps state across a reopen', async () => {
    const t = await withTempDir();
    cleanups.push(t.cleanup);
    const a = await AuthStore.open(t.dir, 'relay');
    expect(a.serverId).toMatch(/^[0-9a-f-]{36}$/);
    const asked = await a.request('c1', 'One', '10.0.0.1', undefined);
    expect(asked.status).toBe('pending');
    const secret = (asked as { secret: string }).secret;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await a.approve('c1', { scope: 'read', ttlS: 60 });
    // Someone repeating the id without the secret gets nothing, and the approval is still there to collect.
    expect(await a.request('c1', 'One', '10.0.0.9', undefined)).toMatchObject({ status: 'refused', reason: 'secret' });
    expect(await a.request('c1', 'One', '10.0.0.9', 'guess')).toMatchObject({ status: 'refused', reason: 'secret' });
    // An approval not yet collected survives a restart, and is collected with the secret after it.
    const reopened = await AuthStore.open(t.dir, 'relay');
    const collected = await reopened.request('c1', 'One', '10.0.0.1', secret) as { status: string; token: string };
    expect(collected.status).toBe('approved');
    const token = collected.token;
    expect(await readFile(path.join(t.dir, 'auth.json'), 'utf8')).not.toContain(token);
    expect(await readFile(path.join(t.dir, 'auth.json'), 'utf8')).not.toContain(secret);
    expect((await stat(path.join(t.dir, 'auth.json'))).mode & 0o777).toBe(0o600);
    expect(reopened.check(token)?.id).toBe('c1');
    expect(reopened.check(`${token}x`)).toBeUndefined();
    for (const bad of [1, {}, [], null, ['x'], 'x'.repeat(10_000)]) expect(reopened.check(bad)).toBeUndefined();
    expect(await reopened.request('c1', 'One', '10.0.0.1', secret)).not.toHaveProperty('token'); // delivered once
    const b = await AuthStore.open(t.dir, 'relay');
    expect(b.serverId).toBe(a.serverId);
    expect(b.check(token)?.id).toBe('c1');
    await b.revoke('c1');
    expect(b.check(token)).toBeUndefined();
    // Requests are bounded per source and in all.
    for (let i = 0; i < 5; i++) expect((await b.request(`flood-${i}`, 'F', '10.9.9.9', undefined)).status).toBe('pending');
    expect(await b.request('flood-5', 'F', '10.9.9.9', undefined)).toMatchObject({ status: 'refused', reason: 'too-many' });
    expect((await b.request('other', 'O', '10.9.9.8', undefined)).status).toBe('pending');
    const short = await b.issue('temp', 'upload', 60);
    const c = await AuthStore.open(t.dir, 'relay');
    c.clients().find((x) => x.id === short.client.id)!.expiresAt = new Date(Date.now() - 1000).toISOString();
    expect(c.check(short.token)).toBeUndefined();
  });
});

describe('pending approval slots', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('bound one network (/24), keep the last quarter for new sources, and forget requesters who stopped asking', async () => {
    const t = await withTempDir();
    try {
      const a = await AuthStore.open(t.dir, 'relay');
      // 40 addresses of one /24, 5 each: one network holds at most MAX_PENDING_PER_NETWORK.
      let accepted = 0;
      for (let i = 0; i < 40; i++) for (let k = 0; k < 5; k++) if ((await a.request(`n-${i}-${k}`, 'F', `10.1.1.${i + 1}`, undefined)).status === 'pending') accepted += 1;
      expect(accepted).toBe(MAX_PENDING_PER_NETWORK);
      // 40 networks, 5 each: once SHARED_PENDING are taken, a source that already waits gets no more...
      for (let i = 0; i < 40; i++) for (let k = 0; k < 5; k++) await a.request(`m-${i}-${k}`, 'F', `10.2.${i}.1`, undefined);
      // 20 + 26 networks × 5 reach SHARED_PENDING; the 14 networks after that get one request each (new sources).
      const waiting = a.clients().filter((c) => c.status === 'pending').length;
      expect(waiting).toBe(SHARED_PENDING + 14);
      expect((await a.request('again', 'F', '10.2.0.1', undefined)).status).toBe('refused');
      // ... and a new source still can.
      expect((await a.request('newcomer', 'N', '192.0.2.77', undefined)).status).toBe('pending');
      expect(sourceNetwork('2001:db8:0:1::5')).toBe(sourceNetwork('2001:0db8:0000:0001:ffff::1'));
    } finally {
      await t.cleanup();
    }
  });

  it('a requester that keeps asking keeps its slot; one that went quiet for PENDING_IDLE_MS loses it', async () => {
    const t = await withTempDir();
    try {
      const a = await AuthStore.open(t.dir, 'relay');
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 1000);
      const keeper = await a.request('keeper', 'K', '10.3.0.1', undefined) as { secret: string };
      await a.request('quiet', 'Q', '10.3.0.2', undefined);
      for (let i = 0; i < 3; i++) {
        vi.setSystemTime(Date.now() + PENDING_IDLE_MS * 0.6);
        expect((await a.request('keeper', 'K', '10.3.0.1', keeper.secret)).status).toBe('pending');
      }
      const ids = a.clients().map((c) => c.id);
      expect(ids).toContain('keeper');
      expect(ids).not.toContain('quiet');
    } finally {
      await t.cleanup();
    }
  });
});
