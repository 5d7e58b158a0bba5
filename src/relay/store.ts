// The relay's documents: one append-only log (documents.log, one JSON record a line, fsync-ed) replayed at
// start-up, compacted into a snapshot (documents.json, written atomically) when the log grows. Not a file per
// upload. Ids are 1-based positions in save order, as Commbase's clients use them (its updater always PUTs 1).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { MODE_SECRET, exists, writeFileAtomic } from '../core/files.js';

type LogRecord = { t: 'save'; doc: unknown } | { t: 'update'; i: number; doc: unknown } | { t: 'drop'; n: number };

export class DocumentStore {
  private docs: unknown[] = [];
  private handle: fs.FileHandle | undefined;
  private logRecords = 0;
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(private readonly dir: string, private readonly keep: number) {}

  static async open(dir: string, keep = Number.POSITIVE_INFINITY): Promise<DocumentStore> {
    const s = new DocumentStore(dir, keep);
    await s.load();
    return s;
  }

  private get snapshotPath() { return path.join(this.dir, 'documents.json'); }
  private get logPath() { return path.join(this.dir, 'documents.log'); }

  private async load(): Promise<void> {
    if (await exists(this.snapshotPath)) this.docs = JSON.parse(await fs.readFile(this.snapshotPath, 'utf8')) as unknown[];
    if (await exists(this.logPath)) {
      const lines = (await fs.readFile(this.logPath, 'utf8')).split('\n');
      for (const line of lines) {
        if (!line) continue;
        let rec: LogRecord;
        try { rec = JSON.parse(line) as LogRecord; } catch { break; } // a torn last line from a crash: stop there
        this.apply(rec);
        this.logRecords += 1;
      }
    }
    this.handle = await fs.open(this.logPath, 'a', MODE_SECRET);
  }

  private apply(rec: LogRecord): void {
    if (rec.t === 'save') this.docs.push(rec.doc);
    else if (rec.t === 'update') this.docs[rec.i - 1] = rec.doc;
    else this.docs.splice(0, rec.n);
  }

  /** One writer at a time, in order: each record is on disk before the caller hears back. */
  private append(recs: LogRecord[]): Promise<void> {
    const run = async () => {
      await this.handle!.write(recs.map((r) => JSON.stringify(r) + '\n').join(''));
      await this.handle!.datasync();
      for (const r of recs) this.apply(r);
      this.logRecords += recs.length;
      if (this.logRecords > 1000 && this.logRecords > 2 * this.docs.length) await this.compact();
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async compact(): Promise<void> {
    await writeFileAtomic(this.snapshotPath, JSON.stringify(this.docs), { mode: MODE_SECRET });
    await this.handle!.truncate(0);
    await this.handle!.datasync();
    this.logRecords = 0;
  }

  all(): unknown[] {
    return this.docs;
  }

  count(): number {
    return this.docs.length;
  }

  async save(doc: unknown): Promise<number> {
    const recs: LogRecord[] = [{ t: 'save', doc }];
    const over = this.docs.length + 1 - this.keep;
    if (over > 0) recs.push({ t: 'drop', n: over });
    await this.append(recs);
    return this.docs.length;
  }

  async update(id: number, doc: unknown): Promise<boolean> {
    if (!Number.isInteger(id) || id < 1 || id > this.docs.length) return false;
    await this.append([{ t: 'update', i: id, doc }]);
    return true;
  }

  async close(): Promise<void> {
    await this.chain;
    await this.handle?.close();
    this.handle = undefined;
  }
}
