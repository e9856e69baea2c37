import { Box, Text } from 'ink';

/** Drawn instead of the dashboard when the terminal is below the minimum size. */
export function TooSmall({ message, width }: { message: string; width: number }) {
  return (
    <Box width={width}>
      <Text wrap="wrap">{message}</Text>
    </Box>
  );
}
