// A screen's running task shown: a spinner while it runs, then its result or its error lines.
import React from 'react';
import { Box, Text } from 'ink';
import { Spinner } from '@inkjs/ui';
import { theme } from './theme.js';

/** What a screen's one running task is doing, or how it ended: a spinner, the error lines, or the result lines. */
export function TaskStatus({ task }: { task: { busy?: string; error?: string[]; result?: string[] } }) {
  return (
    <Box flexDirection="column">
      {task.busy ? <Spinner label={task.busy} /> : null}
      {task.error?.map((l, i) => <Text key={`e${i}`} color={i === 0 ? theme.error : undefined}>{l}</Text>)}
      {task.result?.map((l, i) => <Text key={`r${i}`} color={i === 0 ? theme.ok : undefined}>{l}</Text>)}
    </Box>
  );
}
