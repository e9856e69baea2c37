import { Box, Text } from 'ink';
import type { GilLine } from '../view-model.js';
import { Segments } from './segments.js';

/** The GIL: holder, _Py_Ticker (py2) or timed wait and drop request (py3), switch rate. */
export function GilPanel({ lines, width }: { lines: GilLine[]; width: number }) {
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((l, i) => (
        <Box key={i} height={1} width={width} overflow="hidden">
          <Text bold color="cyan">{l.label.padEnd(13)}</Text>
          <Segments segments={l.value} />
        </Box>
      ))}
    </Box>
  );
}
