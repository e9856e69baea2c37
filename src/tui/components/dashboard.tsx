import { Box, Text } from 'ink';
import type { ViewModel } from '../view-model.js';
import { Charts } from './charts.js';
import { CoreBars } from './core-bars.js';
import { EndCard } from './end-card.js';
import { EventLog } from './event-log.js';
import { Footer } from './footer.js';
import { GilPanel } from './gil-panel.js';
import { Header } from './header.js';
import { CompareView } from './compare-view.js';
import { HelpOverlay } from './help-overlay.js';
import { PresetPicker } from './preset-picker.js';
import { Tallies } from './tallies.js';
import { Timeline } from './timeline.js';
import { TooSmall } from './too-small.js';

/**
 * Lays out a frame's panels; every line count comes from the view model, so it fits. Panels do
 * not shrink (Yoga would squeeze lines on top of each other); the body clips instead, vertically
 * only: every line is fitted to the width already, and a box that clips horizontally makes Ink
 * slice every line of every frame through slice-ansi (a tenth of the screen thread's time with
 * 256 cores), even lines that fit.
 */
export function Dashboard({ vm }: { vm: ViewModel }) {
  if (vm.tooSmall !== null) return <TooSmall message={vm.tooSmall} width={vm.width} />;
  const body = vm.height - 3 - (vm.banner === null ? 0 : 1);
  return (
    <Box flexDirection="column" width={vm.width} height={vm.height} overflowY="hidden">
      <Header header={vm.header} />
      {vm.banner !== null ? (
        <Box height={1}>
          <Text inverse bold color="red" wrap="truncate">
            {vm.banner}
          </Text>
        </Box>
      ) : null}
      {vm.overlay.kind === 'help' ? (
        <HelpOverlay rows={vm.help} height={body} scroll={vm.overlay.scroll} />
      ) : vm.overlay.kind === 'presets' ? (
        <PresetPicker names={vm.overlay.names} titles={vm.overlay.titles} selected={vm.overlay.selected} height={body} />
      ) : vm.overlay.kind === 'compare' && vm.overlay.view !== null ? (
        <CompareView view={vm.overlay.view} height={body} />
      ) : (
        <Box flexDirection="column" height={body} overflowY="hidden">
          {vm.cardLines > 0 ? (
            <Box flexShrink={0}>
              <EndCard lines={vm.card} height={vm.cardLines} width={vm.width} />
            </Box>
          ) : null}
          <Box flexDirection="row" gap={2} flexShrink={0}>
            <CoreBars cores={vm.cores} width={vm.width - vm.gilWidth - 2} />
            <GilPanel lines={vm.gil} width={vm.gilWidth} />
          </Box>
          {vm.timeline !== null ? (
            <Box flexShrink={0}>
              <Timeline timeline={vm.timeline} />
            </Box>
          ) : null}
          {vm.tallies !== null ? (
            <Box flexShrink={0}>
              <Tallies tallies={vm.tallies} />
            </Box>
          ) : null}
          {vm.log !== null ? (
            <Box flexShrink={0}>
              <EventLog log={vm.log} />
            </Box>
          ) : null}
          {vm.description.length > 0 ? (
            <Box flexDirection="column" marginTop={1} flexShrink={0}>
              {vm.description.map((l, i) => (
                <Text key={i} italic color="gray">
                  {l}
                </Text>
              ))}
            </Box>
          ) : null}
          {vm.charts.length > 0 ? (
            <Box flexShrink={0} width={vm.width}>
              <Charts charts={vm.charts} height={vm.chartHeight} width={vm.width} />
            </Box>
          ) : null}
        </Box>
      )}
      <Box height={1}>
        <Text color="yellow" wrap="truncate">
          {vm.message}
        </Text>
      </Box>
      <Footer text={vm.footer} />
    </Box>
  );
}
