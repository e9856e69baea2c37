import { Box, Text } from 'ink';
import type { TimelineView } from '../view-model.js';
import { Segments } from './segments.js';

/** One strip per thread over the last span of simulated time, Beazley style, under its legend. */
export function Timeline({ timeline }: { timeline: TimelineView }) {
  return (
    <Box flexDirection="column">
      <Box height={1}>
        <Text bold>{timeline.title}</Text>
        <Segments segments={timeline.legend[0] ?? []} />
      </Box>
      {timeline.legend.slice(1).map((l, i) => (
        <Box key={`legend${i}`} height={1}>
          <Segments segments={l} />
        </Box>
      ))}
      {timeline.rows.map((r, i) => (
        <Box key={i} height={1}>
          <Text color={r.color}>{r.name} </Text>
          <Text>│</Text>
          <Segments segments={r.segments} />
          <Text>│</Text>
        </Box>
      ))}
    </Box>
  );
}
