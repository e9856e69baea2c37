import { Box, Text } from 'ink';
import type { HeaderView } from '../view-model.js';

/** Top line: preset, policy, simulated time, speed, seed, and the PAUSED / REC badges. */
export function Header({ header: h }: { header: HeaderView }) {
  return (
    <Box height={1}>
      <Text wrap="truncate">
        <Text bold color="greenBright">gil-top</Text>
        <Text> {h.preset}  </Text>
        <Text>policy </Text>
        <Text bold color="cyan">{h.policy.padEnd(14)}</Text>
        <Text>{h.cores.padEnd(9)} </Text>
        <Text>t={h.time} </Text>
        <Text>speed {h.speed}  seed {h.seed} </Text>
        {h.paused ? <Text inverse bold color="yellow"> PAUSED </Text> : null}
        {h.finished ? <Text inverse bold color="green"> FINISHED </Text> : null}
        {h.recording ? <Text inverse bold color="red"> REC </Text> : null}
      </Text>
    </Box>
  );
}
