import { Box, Text } from 'ink';
import type { HeaderView } from '../view-model.js';

/** Top line: the REPLAY / PAUSED / FINISHED / DIVERGED / REC badges first (they must survive a narrow terminal), then preset, policy, simulated time, speed, seed. */
export function Header({ header: h }: { header: HeaderView }) {
  return (
    <Box height={1}>
      <Text wrap="truncate">
        <Text bold color="greenBright">gil-top </Text>
        {h.replay ? <Text inverse bold color="magenta"> REPLAY </Text> : null}
        {h.paused ? <Text inverse bold color="yellow"> PAUSED </Text> : null}
        {h.finished ? <Text inverse bold color="green"> FINISHED </Text> : null}
        {h.diverged ? <Text inverse bold color="red"> DIVERGED </Text> : null}
        {h.recording ? <Text inverse bold color="red"> REC </Text> : null}
        <Text> {h.preset} </Text>
        <Text>policy </Text>
        <Text bold color="cyan">{h.policy.padEnd(13)}</Text>
        <Text> {h.cores.padEnd(8)} </Text>
        <Text>t={h.time} </Text>
        <Text>speed{h.speed}  seed {h.seed}</Text>
      </Text>
    </Box>
  );
}
