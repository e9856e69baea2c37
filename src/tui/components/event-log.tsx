import { Box, Text } from 'ink';
import type { LogView } from '../view-model.js';
import { Segments } from './segments.js';

/** The event log: the journal's last sentences, newest at the bottom. */
export function EventLog({ log }: { log: LogView }) {
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate">
        {log.title}
      </Text>
      {log.lines.map((l, i) => (
        <Box key={i} height={1}>
          <Segments segments={l} />
        </Box>
      ))}
    </Box>
  );
}
