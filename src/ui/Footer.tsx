// The key hints under every screen, from the keymap (only the bindings marked for the footer).
import React from 'react';
import { Box, Text } from 'ink';
import { footerHints, type Scope } from './keymap.js';
import { theme } from './theme.js';

export function Footer({ scopes, readOnly, typing }: { scopes: readonly Scope[]; readOnly?: boolean; typing?: boolean }) {
  const hints = footerHints(['global', ...scopes], { readOnly: Boolean(readOnly), typing: Boolean(typing) });
  return (
    <Box borderStyle="single" borderTop borderBottom={false} borderLeft={false} borderRight={false} flexWrap="wrap">
      <Text color={theme.dim}>{hints.join(' · ')}{readOnly ? ' · read-only' : ''}</Text>
    </Box>
  );
}
