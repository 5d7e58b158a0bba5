// The key hints under every screen, from the keymap (only the bindings marked for the footer).
import React from 'react';
import { Box, Text } from 'ink';
import { bindingsFor, footerHints, type BindingId, type Scope } from './keymap.js';
import { useKeyState } from './key-state.js';
import { theme } from './theme.js';
import { useReadOnly } from './read-only.js';

export function Footer({ scopes, typing }: { scopes: readonly Scope[]; typing?: boolean }) {
  const readOnly = useReadOnly();
  const { off, notice } = useKeyState();
  const all = ['global', ...scopes] as const;
  const opts = { readOnly, typing: Boolean(typing) };
  const ids = bindingsFor(all, opts).filter((b) => b.footer).map((b) => b.id as BindingId);
  // A key that cannot act now is marked "(off)" (colour alone would not show it with NO_COLOR).
  const hints = footerHints(all, opts).map((h, i) => (off[ids[i]!] ? `${h} (off)` : h));
  return (
    <Box flexDirection="column">
      {notice ? <Text color={theme.warn}>{notice}</Text> : null}
      <Box borderStyle="single" borderTop borderBottom={false} borderLeft={false} borderRight={false} flexWrap="wrap">
        <Text color={theme.dim}>{hints.join(' · ')}{readOnly ? ' · read-only' : ''}</Text>
      </Box>
    </Box>
  );
}
