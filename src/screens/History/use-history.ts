// The History screen's state: the audit log's latest records, newest first, read again on request.
import { useCallback, useEffect, useState } from 'react';
import { classify, formatErrorLines } from '../../core/errors.js';
import { readAudit, type AuditRecord } from '../../services/audit.js';

export const HISTORY_LIMIT = 500;

export function useHistory() {
  const [records, setRecords] = useState<AuditRecord[] | undefined>();
  const [file, setFile] = useState('');
  const [unreadable, setUnreadable] = useState(0);
  const [error, setError] = useState<string[] | undefined>();
  const [cursor, setCursor] = useState(0);
  const reload = useCallback(() => {
    readAudit(HISTORY_LIMIT).then(
      (r) => { setRecords([...r.records].reverse()); setFile(r.file); setUnreadable(r.unreadable); setError(undefined); },
      (err) => setError(formatErrorLines(classify(err))),
    );
  }, []);
  useEffect(reload, [reload]);
  const count = records?.length ?? 0;
  return {
    records, file, unreadable, error, cursor, reload,
    selected: records?.[cursor],
    move: (d: number) => setCursor((c) => Math.max(0, Math.min(count - 1, c + d))),
  };
}
