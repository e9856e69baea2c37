import { Box, Text } from 'ink';
import type { HelpRow } from '../help-view.js';

/** Rows of the help that fit in a box of `height` lines (border and title take three). */
export const helpVisibleRows = (height: number): number => Math.max(1, height - 3);

/**
 * The `?` overlay: every key of the keymap, the glyphs of the strips and the state column, from
 * `scroll` on; the title says when more is above or below (arrows, j/k, PgUp/PgDn scroll).
 */
export function HelpOverlay({ rows, height, scroll = 0 }: { rows: HelpRow[]; height: number; scroll?: number }) {
  const visible = helpVisibleRows(height);
  const first = Math.max(0, Math.min(scroll, rows.length - visible));
  const more = rows.length > visible ? `  [${first + 1}-${Math.min(rows.length, first + visible)} of ${rows.length}, ↑/↓ j/k PgUp/PgDn]` : '';
  return (
    <Box flexDirection="column" height={height} borderStyle="round" paddingX={1}>
      <Text bold wrap="truncate">
        Help (Esc or ? closes; the run goes on){more}
      </Text>
      {rows.slice(first, first + visible).map((r, i) =>
        r.heading ? (
          <Text key={i} bold underline wrap="truncate">
            {r.description}
          </Text>
        ) : (
          <Text key={i} wrap="truncate">
            <Text bold color={r.color ?? 'cyan'}>
              {r.keys.padEnd(9)}
            </Text>
            {r.description}
          </Text>
        ),
      )}
    </Box>
  );
}
