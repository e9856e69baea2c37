import { Box, Text } from 'ink';
import type { HeaderView } from '../view-model.js';
import { Segments } from './segments.js';

/** Top line: the REPLAY / PAUSED / FINISHED / DIVERGED / REC badges first (they must survive a narrow terminal), then preset, policy, cores, simulated time, speed, seed as the view model fitted them. */
export function Header({ header: h }: { header: HeaderView }) {
  return (
    <Box height={1}>
      <Text wrap="truncate">
        <Text bold color="greenBright">gil-top </Text>
        {h.badges.map((b) => (
          <Text key={b.text} inverse bold color={b.color}>
            {` ${b.text} `}
          </Text>
        ))}
        <Text> </Text>
        <Segments segments={h.line} />
      </Text>
    </Box>
  );
}
