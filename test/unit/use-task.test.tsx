// useTask: the newest task wins. A task started first and finishing last must not overwrite the result of a later
// one. The tasks' promises are the test's own, settled in the order it chooses (no timing involved).
import React, { useEffect } from 'react';
import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { useTask } from '../../src/screens/use-task.js';
import { waitForFrame } from '../helpers/ink.js';

type Start = (label: string, work: Promise<string>) => void;

function Probe(props: { onReady: (start: Start) => void }) {
  const task = useTask<string>();
  useEffect(() => props.onReady((label, work) => task.start(label, () => work)), []);
  return <Text>{task.busy ? `busy: ${task.busy}` : `result: ${task.result ?? '-'}`}</Text>;
}

const deferred = () => { let resolve!: (v: string) => void; const promise = new Promise<string>((r) => { resolve = r; }); return { promise, resolve }; };

describe('useTask', () => {
  it('shows the newest task\'s result, whatever order they finish in', async () => {
    let start: Start | undefined;
    const { lastFrame } = render(<Probe onReady={(s) => { start = s; }} />);
    await waitForFrame(lastFrame, 'result: -');
    const older = deferred();
    const newer = deferred();
    start!('older', older.promise);
    start!('newer', newer.promise);
    await waitForFrame(lastFrame, 'busy: newer');
    newer.resolve('new');
    await waitForFrame(lastFrame, 'result: new');
    older.resolve('old');
    await older.promise;
    await new Promise((r) => setImmediate(r));
    expect(lastFrame()).toBe('result: new');
  });
});
