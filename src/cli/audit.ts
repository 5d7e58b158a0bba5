// `commbase-admin audit`: what commbase-admin changed, from the audit log (src/services/audit.ts).
import type { Command } from '@commander-js/extra-typings';
import { z } from 'zod';
import { parseInput, wholeNumber } from '../core/validate.js';
import { action } from './boundary.js';
import { withJson } from './common.js';
import { emit, paint } from './output.js';
import { NOUN_HELP } from './noun-help.js';

const auditService = () => import('../services/audit.js');

export function registerAudit(program: Command): void {
  withJson(program.command('audit'))
    .description(NOUN_HELP.audit)
    .option('--limit <n>', 'how many of the latest records (default 50)')
    .action(action(async (o) => {
      const { limit } = parseInput(z.object({ limit: wholeNumber().pipe(z.number().min(1, 'must be at least 1').max(100_000, 'must be at most 100000')).default(50) }), { limit: o.limit });
      const r = await (await auditService()).readAudit(limit);
      emit(o, r, (x) => [
        ...(x.records.length ? [] : [paint.dim(`no changes recorded yet in ${x.file}`)]),
        ...x.records.map((e) => `${e.at.slice(0, 19).replace('T', ' ')}  ${e.user}  ${e.action}  ${e.host ?? 'local'}  ${e.target}  → ${e.outcome.startsWith('failed') ? paint.red(e.outcome) : e.outcome}`),
        ...(x.unreadable ? [paint.yellow(`warning: ${x.unreadable} line(s) of ${x.file} are not records and were skipped`)] : []),
      ]);
    }));
}
