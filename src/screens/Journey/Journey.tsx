// "Set up a relay": the journey as a checklist, each step's state read from the real thing (monitor/journey.ts).
// Enter opens the step's screen filled in from the steps before; q there comes back here and the list is read
// again. Every step can be skipped (move past it) and resumed later: nothing here is remembered, only read.
import React, { useEffect, useEffectEvent, useState } from 'react';
import { Box, Text } from 'ink';
import { Spinner } from '@inkjs/ui';
import type { Journey as JourneyState, StepId, StepState } from '../../monitor/journey.js';
import { ScreenFrame } from '../../ui/ScreenFrame.js';
import { useKeymap } from '../../ui/useKeymap.js';
import type { Scope } from '../../ui/keymap.js';
import { theme } from '../../ui/theme.js';
import { useJourney } from './use-journey.js';

const SCOPES: Scope[] = ['journey'];
const MARK: Record<StepState, string> = { done: '✓', todo: '○', partial: '!', unknown: '?' };
const TONE: Record<StepState, string | undefined> = { done: theme.ok, todo: undefined, partial: theme.warn, unknown: theme.warn };

export function Journey(props: { onOpen: (step: StepId, journey: JourneyState) => void; onExit: () => void; isActive?: boolean; initialStep?: StepId }) {
  const j = useJourney();
  const [helpOpen, setHelpOpen] = useState(false);
  const [cursor, setCursor] = useState<number | undefined>();
  const steps = j.journey?.steps ?? [];
  // The cursor starts on the step the operator came back from, else on the first step not done.
  // Placed once, when the first reading arrives; after that the cursor is the operator's.
  const place = useEffectEvent(() => {
    if (cursor !== undefined || !j.journey) return;
    const back = props.initialStep ? steps.findIndex((s) => s.id === props.initialStep) : -1;
    const next = steps.findIndex((s) => s.state !== 'done');
    const fromBack = back >= 0 && steps[back]!.state === 'done' ? steps.findIndex((s, i) => i > back && s.state !== 'done') : back;
    setCursor(Math.max(0, fromBack >= 0 ? fromBack : next >= 0 ? next : steps.length - 1));
  });
  useEffect(() => place(), [j.journey]);
  const at = cursor ?? 0;
  useKeymap(['global', ...SCOPES], {
    help: () => setHelpOpen((v) => !v),
    back: () => (helpOpen ? setHelpOpen(false) : props.onExit()),
    'journey.up': () => setCursor((c) => Math.max(0, (c ?? 0) - 1)),
    'journey.down': () => setCursor((c) => Math.min(steps.length - 1, (c ?? 0) + 1)),
    'journey.open': () => { const s = steps[at]; if (s && j.journey) props.onOpen(s.id, j.journey); },
    'journey.reload': () => { j.reload(); },
  }, { isActive: (props.isActive ?? true) && !j.trust.question });

  return (
    <ScreenFrame title="Set up a relay" scopes={SCOPES} helpOpen={helpOpen} status={j.reading ? <Spinner label="reading" /> : undefined}>
      <Text color={theme.dim}>Each step is read from the files, hosts, rules and relay themselves. Enter does the selected one.</Text>
      {j.error?.map((l, i) => <Text key={`e${i}`} color={i === 0 ? theme.error : undefined}>{l}</Text>)}
      {!j.journey && !j.error ? <Spinner label="reading the certificate, the inventory, this machine's rules and the relay" /> : null}
      {steps.map((s, i) => (
        <Box key={s.id} flexDirection="column" marginTop={i ? 0 : 1}>
          <Text {...(i === at ? { bold: true, color: theme.accent } : {})}>{i === at ? '› ' : '  '}<Text color={i === at ? theme.accent : TONE[s.state]}>{MARK[s.state]}</Text> {i + 1}. {s.title}</Text>
          {s.lines.map((l, k) => <Text key={k} color={theme.dim} wrap="truncate-end">      {l}</Text>)}
        </Box>
      ))}
      {j.journey ? <Box marginTop={1}><Text color={theme.dim}>✓ done  ○ to do  ! works, but not as it should  ? could not be read</Text></Box> : null}
    </ScreenFrame>
  );
}
