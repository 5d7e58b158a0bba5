// The `?` overlay: every key of the screen's scopes, with what it does, from the keymap.
import React from 'react';
import { Box, Text } from 'ink';
import { bindingsFor, type Scope } from './keymap.js';
import { theme } from './theme.js';
import { useReadOnly } from './read-only.js';

export function HelpOverlay({ scopes, title }: { scopes: readonly Scope[]; title: string }) {
  const readOnly = useReadOnly();
  const rows = bindingsFor(['global', ...scopes], { readOnly });
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text bold>Keys: {title}</Text>
      {rows.map((b) => (
        <Text key={b.id}>
          <Text color={theme.accent}>{b.label.padEnd(9)}</Text> {b.description}{b.dangerous ? ' (makes a change: not bound in --read-only)' : ''}
        </Text>
      ))}
      <Text color={theme.dim}>? closes this help</Text>
    </Box>
  );
}
