import { Box, Text } from 'ink';
import type { ChartView } from '../view-model.js';

/** asciichart plots side by side, each under its title. */
export function Charts({ charts, height, width }: { charts: ChartView[]; height: number; width: number }) {
  return (
    <Box flexDirection="row" gap={2} height={height + 1} width={width}>
      {charts.map((c) => (
        <Box key={c.title} flexDirection="column" flexGrow={1} flexBasis={0}>
          <Text bold wrap="truncate">{c.title}</Text>
          {c.lines.map((l, i) => (
            <Text key={i} wrap="truncate">
              {l}
            </Text>
          ))}
        </Box>
      ))}
    </Box>
  );
}
