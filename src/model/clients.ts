import { LatencyRecorder } from '../engine/latency.js';
import { Ins } from '../interpreter/program.js';
import type { PyThread } from '../interpreter/py-thread.js';
import type { ClientSnapshot } from './types.js';

/** What the model keeps of one client: the latency of its requests and when they ran. */
interface ClientRecord {
  latency: LatencyRecorder;
  /** Start of its first request, ns. */
  firstAt: number;
  /** End of its last request, ns. */
  lastAt: number;
}

/** The clients of a run (outside actors that make requests) and their request latencies. */
export class Clients {
  private readonly records = new Map<PyThread, ClientRecord>();

  constructor(private readonly threads: readonly PyThread[]) {}

  /** A client finished a request at `now` that took `latencyNs`. */
  requestDone(t: PyThread, now: number, latencyNs: number): void {
    let rec = this.records.get(t);
    if (rec === undefined) {
      rec = { latency: new LatencyRecorder(), firstAt: now - latencyNs, lastAt: now };
      this.records.set(t, rec);
    }
    rec.latency.record(latencyNs);
    rec.lastAt = now;
  }

  /** Time from the start of a client's first request to the end of its last, ns (0 before any). */
  spanNs(name: string): number {
    const t = this.threads.find((x) => x.name === name);
    const rec = t === undefined ? undefined : this.records.get(t);
    return rec === undefined ? 0 : rec.lastAt - rec.firstAt;
  }

  /** Every actor that makes requests (or has made one), with its latency figures. */
  snapshot(): ClientSnapshot[] {
    return this.threads
      .filter((t) => !t.python && (this.records.has(t) || t.program.code.some((i) => i.code === Ins.RequestBegin)))
      .map((t) => {
        const rec = this.records.get(t)?.latency;
        const has = rec !== undefined && rec.count > 0;
        return {
          name: t.name,
          requests: has ? rec.count : 0,
          p50Ns: has ? rec.quantile(0.5) : null,
          p99Ns: has ? rec.quantile(0.99) : null,
          maxNs: has ? rec.max : null,
          meanNs: has ? rec.sum / rec.count : null,
          lastNs: has ? rec.last : null,
        };
      });
  }
}
