import { Text } from 'ink';

/** Drawn instead of the dashboard when the terminal is below the minimum size. */
export function TooSmall({ message }: { message: string }) {
  return <Text wrap="wrap">{message}</Text>;
}
