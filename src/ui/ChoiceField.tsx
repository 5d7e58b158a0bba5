// A form field with a fixed set of answers (a scope, a firewall backend, y/n): the choices side by side, the
// current one highlighted; ←/→ (or ↑/↓, Tab) move, typing a choice's first letter picks it, Enter accepts.
// Nothing to mistype, and every answer it can give is one the schema accepts.
import React, { useEffect, useRef, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import { keyTaken } from '../core/input-log.js';
import { keyName, resolveKey, type InkKey } from './keymap.js';
import { theme } from './theme.js';

export function ChoiceField(props: { choices: readonly string[]; initial?: string; isDisabled?: boolean; onSubmit: (value: string) => void }) {
  const [index, setIndex] = useState(() => Math.max(0, props.choices.indexOf(props.initial ?? '')));
  const touched = useRef(false);
  // An offer that arrives after the field is shown (read from a host or the relay) moves it while untouched.
  const at = props.initial ? props.choices.indexOf(props.initial) : -1;
  useEffect(() => { if (!touched.current && at >= 0) setIndex(at); }, [at]);
  const n = props.choices.length;
  useInput((input, key) => {
    keyTaken();
    touched.current = true;
    if (key.return) return props.onSubmit(props.choices[index]!);
    const id = resolveKey(keyName(input, key as Partial<InkKey>), ['choice']);
    if (id === 'choice.prev') return setIndex((i) => (i + n - 1) % n);
    if (id === 'choice.next') return setIndex((i) => (i + 1) % n);
    const byLetter = input && !key.ctrl && !key.meta ? props.choices.findIndex((c) => c.toLowerCase().startsWith(input.toLowerCase())) : -1;
    if (byLetter >= 0) setIndex(byLetter);
  }, { isActive: !props.isDisabled });
  return (
    <Box>
      <Text color={theme.accent}>› </Text>
      {props.choices.map((c, i) => (
        // Brackets mark the choice without colour too (NO_COLOR, a monochrome terminal).
        <Text key={c}>{i ? ' ' : ''}{i === index ? <Text bold color={theme.accent}>[{c}]</Text> : <Text color={theme.dim}> {c} </Text>}</Text>
      ))}
      <Text color={theme.dim}>   ←/→ or first letter, Enter</Text>
    </Box>
  );
}
