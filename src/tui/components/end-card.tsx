import { Box } from 'ink';
import type { Segment } from '../view-model.js';
import { Segments } from './segments.js';

/** The end-of-run card: a box over the dashboard with the run's figures and the keys to go on. */
export function EndCard({ lines, height, width }: { lines: Segment[][]; height: number; width: number }) {
  return (
    <Box flexDirection="column" height={height} width={width} borderStyle="double" borderColor="green" paddingX={1} overflow="hidden">
      {lines.slice(0, Math.max(0, height - 2)).map((l, i) => (
        <Box key={i} height={1}>
          <Segments segments={l} />
        </Box>
      ))}
    </Box>
  );
}
