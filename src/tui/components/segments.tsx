import { Text } from 'ink';
import { ansiLine } from '../ansi.js';
import type { Segment } from '../view-model.js';

/** Draws a row of coloured runs of text on one line (one Ink node, however many runs). */
export function Segments({ segments }: { segments: Segment[] }) {
  return <Text wrap="truncate">{ansiLine(segments)}</Text>;
}
