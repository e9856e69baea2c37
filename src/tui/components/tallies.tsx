import { Box, Text } from 'ink';
import { Table } from 'ink-table';
import type { PropsWithChildren } from 'react';
import type { TalliesView } from '../view-model.js';

const ruleChars = /^[─┌┐┬├┤┼└┘┴]+$/;

/** Table frame without horizontal rules (they would double the height), columns kept apart. */
function Frame({ children }: PropsWithChildren) {
  const s = String(children ?? '');
  if (ruleChars.test(s)) return null;
  return <Text dimColor>{s === '│' ? '' : s}</Text>;
}

function Heading({ children }: PropsWithChildren) {
  return (
    <Text bold color="cyan">
      {children}
    </Text>
  );
}

/** Tallies (ink-table): per-thread shares over the window, OS and syscall counters. */
export function Tallies({ tallies }: { tallies: TalliesView }) {
  return (
    <Box flexDirection="row" gap={2}>
      {tallies.threads.length > 0 ? <Table data={tallies.threads} skeleton={Frame} header={Heading} /> : null}
      {tallies.counters.length > 0 ? <Table data={tallies.counters} skeleton={Frame} header={Heading} /> : null}
    </Box>
  );
}
