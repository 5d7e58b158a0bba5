// A screen that throws while rendering shows the error, said as everywhere else (formatErrorLines), instead of
// taking the console down; q or Esc goes back home, and the other screens still work.
import React, { Component, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import { classify, formatErrorLines } from '../core/errors.js';
import { ScreenFrame } from './ScreenFrame.js';
import { useKeymap } from './useKeymap.js';
import { theme } from './theme.js';

function ErrorScreen(props: { error: unknown; onBack: () => void }) {
  useKeymap(['global'], { back: props.onBack, help: () => undefined }, { isActive: true });
  const lines = formatErrorLines(classify(props.error));
  return (
    <ScreenFrame title="Error" scopes={[]} helpOpen={false}>
      <Box flexDirection="column">
        {lines.map((l, i) => <Text key={i} color={i === 0 ? theme.error : undefined}>{l}</Text>)}
        <Text color={theme.dim}>This screen stopped; nothing it was doing was left half-done by the console. q or Esc goes back.</Text>
      </Box>
    </ScreenFrame>
  );
}

export class ErrorBoundary extends Component<{ onBack: () => void; children: ReactNode }, { error?: unknown }> {
  override state: { error?: unknown } = {};

  static getDerivedStateFromError(error: unknown): { error: unknown } {
    return { error };
  }

  override render(): ReactNode {
    return this.state.error !== undefined ? <ErrorScreen error={this.state.error} onBack={this.props.onBack} /> : this.props.children;
  }
}
