import { Box, Text } from 'ink';

/** The preset list: arrows or j/k move, Enter loads, Esc cancels. */
export function PresetPicker({ names, titles, selected, height }: { names: string[]; titles: string[]; selected: number; height: number }) {
  const visible = Math.max(1, height - 3);
  const first = Math.max(0, Math.min(selected - Math.floor(visible / 2), names.length - visible));
  // The longest name and two spaces: a long name never runs into its title.
  const nameWidth = Math.max(0, ...names.map((n) => n.length)) + 2;
  return (
    <Box flexDirection="column" height={height} borderStyle="round" paddingX={1}>
      <Text bold>Pick a preset (↑/↓ or j/k, Enter loads, Esc cancels)</Text>
      {names.slice(first, first + visible).map((n, i) => {
        const idx = first + i;
        const sel = idx === selected;
        return (
          <Text key={n} wrap="truncate" inverse={sel}>
            {sel ? '> ' : '  '}
            <Text bold>{n.padEnd(nameWidth)}</Text>
            {titles[idx]}
          </Text>
        );
      })}
    </Box>
  );
}
