// A form asked one field at a time: each value is checked as it is submitted (and shown as you type),
// Esc steps back a field, and the last Enter hands all values over.
import React, { useRef, useState } from 'react';
import { Box, Text } from 'ink';
import { TextInput } from '@inkjs/ui';
import { theme } from './theme.js';

export interface FormField {
  key: string;
  label: string;
  hint?: string;
  initial?: string;
  /** A message naming what is wrong, or undefined. */
  validate?: (value: string) => string | undefined;
}

export function StepForm(props: { title: string; fields: FormField[]; index: number; values: Record<string, string>; onSubmitField: (key: string, value: string) => void; isActive: boolean }) {
  const field = props.fields[props.index];
  const [live, setLive] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  // @inkjs/ui's TextInput calls onChange again whenever the callback's identity changes: act on real changes only.
  const lastValue = useRef<string | undefined>(undefined);
  if (!field) return null;
  const value = props.values[field.key] ?? field.initial ?? '';
  return (
    <Box flexDirection="column">
      <Text bold>{props.title} <Text color={theme.dim}>({props.index + 1}/{props.fields.length})</Text></Text>
      {props.fields.slice(0, props.index).map((f) => <Text key={f.key} color={theme.dim}>  {f.label}: {props.values[f.key] || '(none)'}</Text>)}
      <Text>{field.label}</Text>
      {field.hint ? <Text color={theme.dim}>{field.hint}</Text> : null}
      <Box>
        <Text color={theme.accent}>› </Text>
        <TextInput
          key={field.key}
          defaultValue={value}
          isDisabled={!props.isActive}
          onChange={(v) => {
            if (v === lastValue.current) return;
            lastValue.current = v;
            setLive(field.validate?.(v));
            setError(undefined);
          }}
          onSubmit={(v) => {
            const problem = field.validate?.(v);
            if (problem) return setError(problem);
            setLive(undefined);
            props.onSubmitField(field.key, v);
          }}
        />
      </Box>
      {error ? <Text color={theme.error}>✗ {error}</Text> : live ? <Text color={theme.warn}>{live}</Text> : null}
    </Box>
  );
}
