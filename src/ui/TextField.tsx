// The one text field every form, dialog and filter uses: readline's editing keys (the keymap's `field` scope),
// a suggested value shown dim (Enter takes it, typing replaces it), an optional mask, and the validation message
// under the field as the value changes.
import React, { useEffect, useEffectEvent, useRef, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import { keyTaken } from '../core/input-log.js';
import { keyName, resolveKey, type InkKey } from './keymap.js';
import { edit, initialEdit, insert, nextBoundary, type EditState } from './text-edit.js';
import { theme } from './theme.js';

export interface TextFieldProps {
  /** Text to edit (a value the operator already has). */
  value?: string;
  /** A suggestion shown dim: Enter submits it, typing replaces it. */
  suggestion?: string;
  isDisabled?: boolean;
  /** Shown instead of each character (passphrases). */
  mask?: string;
  onSubmit: (value: string) => void;
  onChange?: (value: string) => void;
  /** A message naming what is wrong with the value as it stands, shown under the field. */
  validate?: (value: string) => string | undefined;
  prompt?: string;
  /** Tab: the value completed (paths); without it Tab does nothing here. */
  complete?: (value: string) => Promise<string>;
}

export function TextField(props: TextFieldProps) {
  const [state, setState] = useState<EditState>(() => initialEdit({ ...(props.value !== undefined ? { value: props.value } : {}), ...(props.suggestion !== undefined ? { suggestion: props.suggestion } : {}) }));
  const latest = useRef(state);
  latest.current = state;
  const update = (next: EditState) => {
    if (next === latest.current) return;
    const changed = next.value !== latest.current.value;
    latest.current = next;
    setState(next);
    if (changed) props.onChange?.(next.value);
  };
  // A suggestion that arrives after the field is shown (read from a host) replaces an untouched one.
  const offer = useEffectEvent((next: string) => {
    const s = latest.current;
    if (next === s.suggestion || !(s.suggested || s.value === '')) return;
    update(initialEdit({ suggestion: next }));
  });
  useEffect(() => offer(props.suggestion ?? ''), [props.suggestion]);
  useInput((input, key) => {
    keyTaken();
    const s = latest.current;
    if (key.return) return props.onSubmit(s.value);
    if (key.tab && props.complete) {
      const from = s.value;
      void props.complete(from).then((v) => { if (latest.current.value === from && v !== from) update({ ...latest.current, value: v, cursor: v.length, suggested: false }); });
      return;
    }
    const name = keyName(input, key as Partial<InkKey>);
    const id = resolveKey(name, ['field']);
    if (id) return update(edit(s, id));
    if (key.ctrl || key.meta || key.escape || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown) return;
    update(insert(s, input));
  }, { isActive: !props.isDisabled });

  const shown = props.mask ? props.mask.repeat(state.value.length) : state.value;
  const problem = props.validate && !state.suggested ? props.validate(state.value) : undefined;
  const cursorOn = !props.isDisabled;
  // The cursor covers the whole grapheme it is on (a flag, an accented letter), not half of it.
  const end = nextBoundary(shown, state.cursor);
  const before = shown.slice(0, state.cursor);
  const at = shown.slice(state.cursor, end) || ' ';
  const after = shown.slice(end);
  return (
    <Box flexDirection="column">
      <Box>
        <Text color={theme.accent}>{props.prompt ?? '› '}</Text>
        {state.suggested
          ? <Text color={theme.dim}>{cursorOn ? <Text inverse>{shown.slice(0, nextBoundary(shown, 0)) || ' '}</Text> : shown.slice(0, nextBoundary(shown, 0))}{shown.slice(nextBoundary(shown, 0))}</Text>
          : <Text>{before}{cursorOn ? <Text inverse>{at}</Text> : at === ' ' ? '' : at}{after}</Text>}
      </Box>
      {problem ? <Text color={theme.warn}>{problem}</Text> : null}
    </Box>
  );
}
