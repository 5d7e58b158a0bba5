// A form asked one field at a time: each value is checked as it is submitted (and shown as you type),
// Esc steps back a field, and the last Enter hands all values over.
import React, { useState } from 'react';
import { Box, Text } from 'ink';
import { ChoiceField } from './ChoiceField.js';
import { TextField } from './TextField.js';
import { theme } from './theme.js';

export interface FormField {
  key: string;
  label: string;
  hint?: string;
  initial?: string;
  /** A message naming what is wrong, or undefined. */
  validate?: (value: string) => string | undefined;
  /** Shown instead of each character typed (passphrases); the summary line above says only that it was given. */
  mask?: string;
  /** Tab completes the value (a path on this machine). */
  complete?: (value: string) => Promise<string>;
  /** The only answers there are: shown side by side and picked, not typed (initial is the one offered). */
  choices?: readonly string[];
}

export function StepForm(props: { title: string; fields: FormField[]; index: number; values: Record<string, string>; onSubmitField: (key: string, value: string) => void; isActive: boolean }) {
  const field = props.fields[props.index];
  const [error, setError] = useState<string | undefined>();
  if (!field) return null;
  // A value typed before (Esc came back to this field) is text to edit; a field's initial value is a suggestion.
  const typed = props.values[field.key];
  return (
    <Box flexDirection="column">
      <Text bold>{props.title} <Text color={theme.dim}>({props.index + 1}/{props.fields.length})</Text></Text>
      {props.fields.slice(0, props.index).map((f) => <Text key={f.key} color={theme.dim}>  {f.label}: {f.mask && props.values[f.key] ? '(given)' : props.values[f.key] || '(none)'}</Text>)}
      <Text>{field.label}</Text>
      {field.hint || field.complete ? <Text color={theme.dim}>{[field.hint, field.complete ? 'Tab completes the path' : ''].filter(Boolean).join('; ')}</Text> : null}
      {field.choices?.length ? (
        <ChoiceField key={field.key} choices={field.choices} {...(typed ?? field.initial ? { initial: typed ?? field.initial } : {})} isDisabled={!props.isActive} onSubmit={(v) => props.onSubmitField(field.key, v)} />
      ) : <TextField
        key={field.key}
        {...(typed !== undefined ? { value: typed } : field.initial ? { suggestion: field.initial } : {})}
        isDisabled={!props.isActive}
        {...(field.mask ? { mask: field.mask } : {})}
        {...(field.complete ? { complete: field.complete } : {})}
        {...(field.validate ? { validate: field.validate } : {})}
        onChange={() => setError(undefined)}
        onSubmit={(v) => {
          const problem = field.validate?.(v);
          if (problem) return setError(problem);
          props.onSubmitField(field.key, v);
        }}
      />}
      {error ? <Text color={theme.error}>✗ {error}</Text> : null}
    </Box>
  );
}
