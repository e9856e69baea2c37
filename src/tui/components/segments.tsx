import { Text } from 'ink';
import type { Segment } from '../view-model.js';

/** Draws a row of coloured runs of text on one line. */
export function Segments({ segments }: { segments: Segment[] }) {
  return (
    <Text wrap="truncate">
      {segments.map((s, i) => (
        <Text key={i} color={s.color} bold={s.bold} inverse={s.inverse}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}
