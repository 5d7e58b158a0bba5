// The frame of every screen: its title and status, its body or the help overlay, and the footer.
import React, { type ReactNode } from 'react';
import { Box, Text } from 'ink';
import { Footer } from './Footer.js';
import { HelpOverlay } from './HelpOverlay.js';
import type { Scope } from './keymap.js';
import { theme } from './theme.js';

/** Every screen: a title, its body (or the help overlay), and a footer of key hints from the keymap. */
export function ScreenFrame(props: {
  title: string;
  scopes: readonly Scope[];
  helpOpen: boolean;
  typing?: boolean;
  status?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Box flexDirection="column" width="100%">
      <Box justifyContent="space-between">
        <Text bold color={theme.accent}>commbase-admin · {props.title}</Text>
        {props.status}
      </Box>
      <Box flexDirection="column" marginTop={1} flexGrow={1}>
        {props.helpOpen ? <HelpOverlay scopes={props.scopes} title={props.title} /> : props.children}
      </Box>
      <Footer scopes={props.scopes} typing={Boolean(props.typing)} />
    </Box>
  );
}
