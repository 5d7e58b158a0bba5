// The relay's documents: one append-only log (documents.log, one JSON record a line) replayed at start-up and
// compacted into a snapshot (documents.json, written atomically) when it grows. Not a file per upload. Ids are
// 1-based positions in save order, as Commbase's clients use them (its updater always PUTs 1).
//
// What a 2xx promises, and how it is kept:
// - Group commit: records that arrive in the same turn of the event loop, or while a write is on its way, share
//   the next write and its one fdatasync; no caller hears back before its record is on disk.
// - The write and its fdatasync run on the main thread while they are fast (a local disk: ~0.2 ms; two trips
//   through libuv's thread pool would add as much again to every upload's latency). When they are not (their
//   running average above SLOW_SYNC_MS, or one stall above STALL_MS) they move to the thread pool for good, so a
//   slow disk never stalls the event loop; a single slow flush on a busy machine does not.
// - A torn tail (kill -9 mid-write, a full disk) is cut off at start-up, before anything is appended after it,
//   and a write that fails while running is cut off at once; so a later record never follows a broken one.
// - Generations: the log starts with {"t":"gen","g":N} and the snapshot says which generation it covers. A crash
//   between writing snapshot N+1 and emptying the log leaves a log of generation N, which is then known to be
//   inside the snapshot already and is not replayed twice.
import { fdatasyncSync, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { MODE_SECRET, writeFileAtomic } from '../core/files.js';
import { openNoFollow, readNoFollow } from './data-dir.js';

type LogRecord = { t: 'save'; doc: unknown } | { t: 'update'; i: number; doc: unknown } | { t: 'drop'; n: number } | { t: 'gen'; g: number };
type Snapshot = { v: 2; gen: number; docs: unknown[] };

/**
 * A write of the log that did not fully reach the disk: nothing of it was kept (the log was cut back), and the
 * caller is told why in words an uploader can act on. `full` for ENOSPC and EDQUOT (HTTP 507), else 503.
 */
export class StoreWriteError extends Error {
  readonly full: boolean;
  readonly code: string | undefined;
  constructor(cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const full = code === 'ENOSPC' || code === 'EDQUOT';
    super(full ? 'the relay\'s disk is full: the upload was not stored (try again when space is freed)' : `the relay could not write the upload to its disk (${code ?? (cause as Error)?.message ?? 'unknown error'}): it was not stored`);
    this.name = 'StoreWriteError';
    this.full = full;
    this.code = code;
  }
}

/** Where a test may stop the process (SIGKILL) to prove each step is crash-safe: COMMBASE_ADMIN_TEST_CRASH_AT. */
export type CrashPoint = 'compact:after-snapshot' | 'compact:after-truncate' | 'append:after-write';

export interface StoreOptions {
  keep?: number;
  /** Compact when the log holds more than this many records and more than twice the documents. */
  compactAfter?: number;
  /** Called at each crash point (tests); by default reads COMMBASE_ADMIN_TEST_CRASH_AT. */
  crashPoint?: (point: CrashPoint) => void;
  log?: (line: string) => void;
  /** SLOW_SYNC_MS unless a test says otherwise (-1: the first write moves them). */
  slowSyncMs?: number;
}

/** Writes + fdatasyncs slower than this on average (over the last ~10) leave the main thread. */
export const SLOW_SYNC_MS = 2;
/** One write + fdatasync slower than this leaves the main thread at once. */
export const STALL_MS = 50;

interface Pending { kind: 'save' | 'update'; id?: number; doc: unknown; resolve: (id: number) => void; reject: (err: unknown) => void }

function envCrashPoint(point: CrashPoint): void {
  if (process.env.COMMBASE_ADMIN_TEST_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}

export class DocumentStore {
  private docs: unknown[] = [];
  /** Each document's JSON, kept beside it: the array's JSON is built from these without re-serialising. */
  private parts: string[] = [];
  private encoded: string | undefined;
  private handle: FileHandle | undefined;
  private gen = 0;
  private size = 0;
  private logRecords = 0;
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private broken: Error | undefined;
  private failing = false;
  private syncIo = true;
  private syncAvgMs = 0;
  private readonly keep: number;
  private readonly compactAfter: number;
  private readonly crashPoint: (p: CrashPoint) => void;
  private readonly log: (line: string) => void;
  private readonly slowSyncMs: number;

  private constructor(private readonly dir: string, opts: StoreOptions) {
    this.keep = opts.keep ?? Number.POSITIVE_INFINITY;
    this.compactAfter = opts.compactAfter ?? 1000;
    this.crashPoint = opts.crashPoint ?? envCrashPoint;
    this.log = opts.log ?? ((line) => process.stderr.write(`relay: ${line}\n`));
    this.slowSyncMs = opts.slowSyncMs ?? SLOW_SYNC_MS;
  }

  static async open(dir: string, keepOrOpts: number | StoreOptions = {}): Promise<DocumentStore> {
    const s = new DocumentStore(dir, typeof keepOrOpts === 'number' ? { keep: keepOrOpts } : keepOrOpts);
    await s.load();
    return s;
  }

  private get snapshotPath() { return path.join(this.dir, 'documents.json'); }
  private get logPath() { return path.join(this.dir, 'documents.log'); }

  private async load(): Promise<void> {
    let snapshotGen = 0;
    const snapText = await readNoFollow(this.snapshotPath);
    if (snapText !== undefined) {
      const snap = JSON.parse(snapText) as unknown[] | Snapshot;
      if (Array.isArray(snap)) this.docs = snap; // written before generations existed
      else { this.docs = snap.docs; snapshotGen = snap.gen; }
      this.parts = this.docs.map((d) => JSON.stringify(d));
    }
    this.gen = snapshotGen;
    // Create it only when it is not there: any other failure to open it must never truncate it. Never through a link.
    this.handle = await openNoFollow(this.logPath, 'r+').catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      return openNoFollow(this.logPath, 'wx+', MODE_SECRET);
    });
    if (!(await this.handle.stat()).isFile()) throw new Error(`${this.logPath} is not a regular file`);
    const raw = await this.handle.readFile();
    const { records, good, skipped } = readLog(raw);
    const logGen = records[0]?.t === 'gen' ? records[0].g : 0;
    if (logGen < snapshotGen) {
      // Already inside the snapshot (a crash between its rename and the log's truncation): start the log afresh.
      if (records.length > 0) this.log(`documents.log (generation ${logGen}) is already in documents.json (generation ${snapshotGen}): not replayed`);
      await this.resetLog();
      return;
    }
    for (const rec of records) this.apply(rec);
    this.logRecords = records.filter((r) => r.t !== 'gen').length;
    for (const s of skipped) this.log(`documents.log: skipped an unreadable record of ${s} bytes (from an older version's torn write)`);
    if (good < raw.length) {
      this.log(`documents.log ended in a torn record (${raw.length - good} bytes, from a crash or a full disk): cut off before appending`);
      await this.handle.truncate(good);
      await this.handle.datasync();
    }
    this.size = good;
    if (records[0]?.t !== 'gen' && this.logRecords === 0) await this.resetLog();
  }

  private async resetLog(): Promise<void> {
    const header = JSON.stringify({ t: 'gen', g: this.gen }) + '\n';
    await this.handle!.truncate(0);
    const { bytesWritten } = await this.handle!.write(header, 0);
    if (bytesWritten !== Buffer.byteLength(header)) throw Object.assign(new Error('documents.log: the disk took only part of its first line'), { code: 'ENOSPC' });
    await this.handle!.datasync();
    this.size = Buffer.byteLength(header);
    this.logRecords = 0;
  }

  private apply(rec: LogRecord): number {
    if (rec.t === 'save') { this.docs.push(rec.doc); this.parts.push(JSON.stringify(rec.doc)); }
    else if (rec.t === 'update') { this.docs[rec.i - 1] = rec.doc; this.parts[rec.i - 1] = JSON.stringify(rec.doc); }
    else if (rec.t === 'drop') { this.docs.splice(0, rec.n); this.parts.splice(0, rec.n); }
    if (rec.t !== 'gen') this.encoded = undefined;
    return this.docs.length;
  }

  /**
   * The whole array as JSON, built once per change and shared by every reader (GET, every socket). An append
   * costs one document's serialisation (done when it is applied), not the array's.
   */
  json(): string {
    this.encoded ??= `[${this.parts.join(',')}]`;
    return this.encoded;
  }

  private enqueue(p: Omit<Pending, 'resolve' | 'reject'>): Promise<number> {
    if (this.broken) return Promise.reject(this.broken);
    const done = new Promise<number>((resolve, reject) => this.queue.push({ ...p, resolve, reject }));
    // After the requests already read in this turn of the event loop: they join the same write.
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush());
    return done;
  }

  /** One writer: each round takes everything queued, writes it with one write and one fdatasync. */
  private async flush(): Promise<void> {
    for (;;) {
      if (this.queue.length === 0) { this.flushing = undefined; return; } // cleared in the same tick the queue is seen empty
      const batch = this.queue.splice(0);
      let length = this.docs.length;
      const recs: LogRecord[] = [];
      const ids: number[] = [];
      for (const p of batch) {
        if (p.kind === 'update') { recs.push({ t: 'update', i: p.id!, doc: p.doc }); ids.push(p.id!); continue; }
        recs.push({ t: 'save', doc: p.doc });
        length += 1;
        if (length > this.keep) { recs.push({ t: 'drop', n: length - this.keep }); length = this.keep; }
        ids.push(length);
      }
      const data = Buffer.from(recs.map((r) => JSON.stringify(r) + '\n').join(''));
      try {
        await this.append(data);
      } catch (err) {
        await this.cutBack();
        const failure = new StoreWriteError(err);
        // Said once until a write succeeds again: a full disk under a steady uploader must not flood the log.
        if (!this.failing) this.log(`uploads are not being stored: ${failure.message}`);
        this.failing = true;
        for (const p of batch) p.reject(failure);
        continue;
      }
      this.size += data.length;
      if (this.failing) { this.failing = false; this.log('documents.log takes writes again: uploads are stored'); }
      for (const r of recs) this.apply(r);
      this.logRecords += recs.length;
      batch.forEach((p, k) => p.resolve(ids[k]!));
      if (this.logRecords > this.compactAfter && this.logRecords > 2 * this.docs.length) {
        await this.compact().catch((err: Error) => this.log(`compaction failed (the log is kept and still complete): ${err.message}`));
      }
    }
  }

  /**
   * The bytes at the log's end, on disk when this returns. A short write (a full disk takes what fits and says
   * so only by the count) is carried on from where it stopped, so it ends in the error that stopped it, never in
   * an acknowledgement of a record that is not all there.
   */
  private async append(data: Buffer): Promise<void> {
    if (this.syncIo) {
      const started = performance.now();
      for (let done = 0; done < data.length;) {
        const n = writeSync(this.handle!.fd, data, done, data.length - done, this.size + done);
        if (n <= 0) throw Object.assign(new Error('the disk took no more bytes'), { code: 'ENOSPC' });
        done += n;
      }
      this.crashPoint('append:after-write');
      fdatasyncSync(this.handle!.fd);
      const took = performance.now() - started;
      this.syncAvgMs += (took - this.syncAvgMs) / 10;
      if (took > STALL_MS || this.syncAvgMs > this.slowSyncMs) {
        this.syncIo = false;
        this.log(`writes and fdatasyncs of documents.log take ${this.syncAvgMs.toFixed(1)} ms on average, this one ${took.toFixed(1)} ms: from now on they run off the main thread`);
      }
      return;
    }
    for (let done = 0; done < data.length;) {
      const { bytesWritten } = await this.handle!.write(data, done, data.length - done, this.size + done);
      if (bytesWritten <= 0) throw Object.assign(new Error('the disk took no more bytes'), { code: 'ENOSPC' });
      done += bytesWritten;
    }
    this.crashPoint('append:after-write');
    await this.handle!.datasync();
  }

  /** A failed write may have left part of a record: remove it now, or refuse further writes. */
  private async cutBack(): Promise<void> {
    try {
      await this.handle!.truncate(this.size);
      await this.handle!.datasync();
    } catch (err) {
      this.broken = new Error(`the document log could not be repaired after a failed write: ${(err as Error).message}`);
    }
  }

  private async compact(): Promise<void> {
    const next = this.gen + 1;
    const snap: Snapshot = { v: 2, gen: next, docs: this.docs };
    await writeFileAtomic(this.snapshotPath, JSON.stringify(snap), { mode: MODE_SECRET });
    this.crashPoint('compact:after-snapshot');
    this.gen = next;
    await this.handle!.truncate(0);
    this.crashPoint('compact:after-truncate');
    await this.resetLog();
  }

  all(): unknown[] {
    return this.docs;
  }

  count(): number {
    return this.docs.length;
  }

  /** The new document's id, once it is on disk. */
  save(doc: unknown): Promise<number> {
    return this.enqueue({ kind: 'save', doc });
  }

  async update(id: number, doc: unknown): Promise<boolean> {
    if (!Number.isInteger(id) || id < 1 || id > this.docs.length) return false;
    await this.enqueue({ kind: 'update', id, doc });
    return true;
  }

  async close(): Promise<void> {
    await this.flushing;
    await this.handle?.close();
    this.handle = undefined;
  }
}

/**
 * The complete records of a log and the byte length they span. A last line without its newline is torn.
 * A broken line in the middle (an older version appended after a torn write) is skipped; a record glued to
 * its torn remains is recovered.
 */
export function readLog(raw: Buffer): { records: LogRecord[]; good: number; skipped: number[] } {
  const records: LogRecord[] = [];
  const skipped: number[] = [];
  let pos = 0;
  let good = 0;
  while (pos < raw.length) {
    const nl = raw.indexOf(10, pos);
    if (nl < 0) break; // torn tail
    const line = raw.subarray(pos, nl).toString('utf8');
    pos = nl + 1;
    if (line.length > 0) {
      const rec = parseRecord(line) ?? recoverGlued(line);
      if (rec) records.push(rec);
      else skipped.push(Buffer.byteLength(line));
    }
    good = pos;
  }
  return { records, good, skipped };
}

function parseRecord(line: string): LogRecord | undefined {
  try {
    const r = JSON.parse(line) as LogRecord;
    return r && typeof r === 'object' && ['save', 'update', 'drop', 'gen'].includes(r.t) ? r : undefined;
  } catch {
    return undefined;
  }
}

function recoverGlued(line: string): LogRecord | undefined {
  for (let i = line.indexOf('{"t":"', 1); i > 0; i = line.indexOf('{"t":"', i + 1)) {
    const r = parseRecord(line.slice(i));
    if (r) return r;
  }
  return undefined;
}
