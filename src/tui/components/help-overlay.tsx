import { Box, Text } from 'ink';

/** The `?` overlay: every key of the keymap with what it does. */
export function HelpOverlay({ rows, height }: { rows: { keys: string; description: string }[]; height: number }) {
  return (
    <Box flexDirection="column" height={height} borderStyle="round" paddingX={1}>
      <Text bold>Keys (Esc or ? closes; the simulation keeps running)</Text>
      {rows.slice(0, Math.max(0, height - 3)).map((r) => (
        <Text key={r.keys} wrap="truncate">
          <Text bold color="cyan">{r.keys.padEnd(8)}</Text>
          {r.description}
        </Text>
      ))}
    </Box>
  );
}
