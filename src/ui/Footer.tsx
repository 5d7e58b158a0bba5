// The key hints under every screen, from the keymap (only the bindings marked for the footer).
import React from 'react';
import { Box, Text } from 'ink';
import { footerHints, type Scope } from './keymap.js';
import { theme } from './theme.js';
import { useReadOnly } from './read-only.js';

export function Footer({ scopes, typing }: { scopes: readonly Scope[]; typing?: boolean }) {
  const readOnly = useReadOnly();
  const hints = footerHints(['global', ...scopes], { readOnly, typing: Boolean(typing) });
  return (
    <Box borderStyle="single" borderTop borderBottom={false} borderLeft={false} borderRight={false} flexWrap="wrap">
      <Text color={theme.dim}>{hints.join(' · ')}{readOnly ? ' · read-only' : ''}</Text>
    </Box>
  );
}
