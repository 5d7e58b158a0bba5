// A key offered but unable to act now says so (#21.4): the footer marks it "(off)", pressing it shows the reason
// instead of doing nothing, and the next key that acts clears the reason.
import React from 'react';
import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { Footer } from '../../src/ui/Footer.js';
import { KeyStateProvider, disabled } from '../../src/ui/key-state.js';
import { useKeymap } from '../../src/ui/useKeymap.js';
import { waitForFrame } from '../helpers/ink.js';

function Screen(props: { onOpen: () => void }) {
  useKeymap(['global', 'list', 'firewall'], { 'fw.open': props.onOpen, 'fw.close': disabled('no rule selected') }, { isActive: true });
  return (<><Text>rules</Text><Footer scopes={['list', 'firewall']} /></>);
}

describe('a disabled key', () => {
  it('is marked in the footer, says why when pressed, and the next key clears it', async () => {
    let opened = 0;
    const { lastFrame, stdin } = render(<KeyStateProvider><Screen onOpen={() => { opened += 1; }} /></KeyStateProvider>);
    const frame = await waitForFrame(lastFrame, 'x close (off)');
    expect(frame).toMatch(/o open port · x close \(off\)/);
    expect(frame).not.toMatch(/no rule selected/);
    stdin.write('x');
    await waitForFrame(lastFrame, 'x: no rule selected');
    expect(opened).toBe(0);
    stdin.write('o');
    await waitForFrame(lastFrame, /^(?![\s\S]*no rule selected)/);
    expect(opened).toBe(1);
  });
});
