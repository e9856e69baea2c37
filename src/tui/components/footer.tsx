import { Box, Text } from 'ink';

/** Last line: the main keys, from the keymap. */
export function Footer({ text }: { text: string }) {
  return (
    <Box height={1}>
      <Text inverse wrap="truncate">{text}</Text>
    </Box>
  );
}
