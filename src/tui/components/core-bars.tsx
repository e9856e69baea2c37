import { Box, Text } from 'ink';
import type { CoresView } from '../view-model.js';
import { Segments } from './segments.js';

/** Per-core CPU bars (htop style), several per line when there are many; a grid past that. */
export function CoreBars({ cores, width }: { cores: CoresView; width: number }) {
  if (cores.form === 'compact') {
    return (
      <Box flexDirection="column" width={width}>
        <Text wrap="truncate">{cores.summary} (one cell per core, coloured by its thread; · idle)</Text>
        {cores.compact.map((line, i) => (
          <Segments key={i} segments={line} />
        ))}
      </Box>
    );
  }
  const lines: (typeof cores.rows)[] = [];
  for (let i = 0; i < cores.rows.length; i += cores.perLine) lines.push(cores.rows.slice(i, i + cores.perLine));
  return (
    <Box flexDirection="column" width={width}>
      {lines.map((line, i) => (
        <Box key={i} height={1}>
          {line.map((r) => (
            <Box key={r.label} width={cores.cellWidth}>
              <Text wrap="truncate">
                <Text bold>{r.label}</Text>[<Text color={r.fillColor}>{r.filled}</Text>
                {r.rest}]{r.thread === '' ? null : <Text color={r.color}> {r.thread}</Text>}
              </Text>
            </Box>
          ))}
        </Box>
      ))}
    </Box>
  );
}
