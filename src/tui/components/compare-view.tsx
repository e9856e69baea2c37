import { Box, Text } from 'ink';
import { compareRow, type BackgroundCompare } from '../../session/parallel-compare.js';
import type { LatencySeries } from '../../session/parallel-job.js';
import { fmtCount } from '../format.js';
import { logScaleIfWide, overlayPlot, plotColorNames } from '../plot.js';

/** What the compare view draws: built from a background comparison at every frame. */
export interface CompareViewModel {
  title: string;
  /** Running, done, or what went wrong. */
  status: string;
  chartTitle: string | null;
  /** asciichart lines, one colour per policy (terminal colour codes). */
  chart: string[];
  legend: { label: string; color: string }[];
  table: string[];
}

/** The first client's latency, ms, for each request 1..n (a request between two looks takes the next look's figure). */
export function perRequestMs(s: LatencySeries): number[] {
  const n = s.requests[s.requests.length - 1] ?? 0;
  const out = new Array<number>(n);
  let k = 0;
  for (let r = 1; r <= n; r++) {
    while (s.requests[k] < r) k++;
    out[r - 1] = s.latencyNs[k] / 1e6;
  }
  return out;
}

/** `values` averaged into `cols` buckets of the x range `0..span` (a shorter curve fills fewer buckets). */
export function bucketMeans(values: number[], span: number, cols: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < cols; c++) {
    const [from, to] = [Math.floor((c * span) / cols), Math.max(Math.floor(((c + 1) * span) / cols), Math.floor((c * span) / cols) + 1)];
    if (from >= values.length) break;
    const part = values.slice(from, Math.min(to, values.length));
    out.push(part.reduce((a, b) => a + b, 0) / part.length);
  }
  return out;
}

const pad = (s: string, n: number) => s.padStart(n);

/** The compare view's rows for a box of `width` x `height` (inside its border). */
export function compareViewModel(c: BackgroundCompare, width: number, height: number, color = true): CompareViewModel {
  const o = c.overrides;
  const title = `compare: ${c.preset.name} under ${c.policies.join(', ')} (${o.cores} core${o.cores === 1 ? '' : 's'}, seed ${o.seed}; each run from the start, in the background)`;
  const status =
    c.state === 'running'
      ? `running: ${c.done} of ${c.policies.length} done on worker threads; the dashboard goes on (v or Esc closes)`
      : c.state === 'failed'
        ? `failed: ${c.error}`
        : c.state === 'stopped'
          ? 'stopped'
          : 'done (v or Esc closes; v again after a change compares the new settings)';
  const done = c.results.map((r, i) => ({ r, policy: c.policies[i] })).filter((x) => x.r !== undefined);
  const rows = done.map((x) => compareRow(c.preset, x.r!));
  const table = [
    `${'policy'.padEnd(14)}${pad('done s', 10)}${pad('p50 ms', 10)}${pad('p99 ms', 10)}${pad('max ms', 10)}${pad('cpu s/s', 9)}${pad('wake-ups', 11)}${pad('in vain', 11)}${pad('GIL sw', 10)}`,
    ...rows.map((r) => {
      const ms = (x: number | undefined) => pad(x === undefined ? '-' : (x * 1e3).toFixed(3), 10);
      return `${r.policy.padEnd(14)}${pad(`${r.finished ? '' : '>'}${r.completionSeconds.toFixed(3)}`, 10)}${ms(r.latency?.p50)}${ms(r.latency?.p99)}${ms(r.latency?.max)}${pad(r.cpuThreadProgress === null ? '-' : r.cpuThreadProgress.toFixed(2), 9)}${pad(fmtCount(r.wakeups), 11)}${pad(fmtCount(r.spuriousWakeups), 11)}${pad(fmtCount(r.gilSwitches), 10)}`;
    }),
  ];
  const curves = done
    .filter((x) => x.r!.latency !== undefined && x.r!.latency.requests.length > 0)
    .map((x) => ({ label: x.policy, color: c.policies.indexOf(x.policy), values: perRequestMs(x.r!.latency!) }));
  const chartHeight = height - 3 - table.length - 2;
  if (curves.length === 0 || chartHeight < 3) {
    const why = done.length === 0 ? null : curves.length === 0 ? 'no client in this preset: no latency curve' : null;
    return { title, status, chartTitle: why, chart: [], legend: [], table };
  }
  const span = Math.max(...curves.map((s) => s.values.length));
  const cols = Math.max(10, width - 12);
  const { series, format, log } = logScaleIfWide(
    curves.map((s) => ({ label: s.label, color: s.color, values: bucketMeans(s.values, span, cols) })),
    (y) => y.toPrecision(3),
  );
  const chart = overlayPlot(series, { width, height: chartHeight - 1, format, color, stretch: false });
  const legend = curves.map((s) => ({ label: s.label, color: plotColorNames[s.color % plotColorNames.length] }));
  return { title, status, chartTitle: `client latency, ms${log ? ' (log scale)' : ''}, by request: 1 to ${fmtCount(span)} (mean per column)`, chart, legend, table };
}

/** The compare view: the policies' latency curves overlaid, a legend, and the comparison table. */
export function CompareView({ view, height }: { view: CompareViewModel; height: number }) {
  return (
    <Box flexDirection="column" height={height} borderStyle="round" paddingX={1} overflow="hidden">
      <Text bold wrap="truncate">
        {view.title}
      </Text>
      <Text color="gray" wrap="truncate">
        {view.status}
      </Text>
      {view.chartTitle !== null ? (
        <Text bold wrap="truncate">
          {view.chartTitle}
        </Text>
      ) : null}
      {view.chart.map((l, i) => (
        <Text key={i} wrap="truncate">
          {l}
        </Text>
      ))}
      {view.legend.length > 0 ? (
        <Text wrap="truncate">
          {view.legend.map((l, i) => (
            <Text key={l.label}>
              {i > 0 ? '   ' : ''}
              <Text color={l.color}>──</Text> {l.label}
            </Text>
          ))}
        </Text>
      ) : null}
      {view.table.map((l, i) => (
        <Text key={`t${i}`} wrap="truncate" bold={i === 0}>
          {l}
        </Text>
      ))}
    </Box>
  );
}
