import type { PyThread } from './py-thread.js';

/**
 * One end of a loopback TCP connection: what has arrived and not yet been read, what is still
 * in flight towards it, and who sleeps in `recv` or `accept` on it. Bytes keep their message
 * boundaries (a `recv` returns one message), which is what the article's echo exchange does.
 *
 * What a writer may have sent and the reader not yet received is bounded by the two buffers of
 * the machine profile (`sockets`): a `send` that finds them full blocks until a `recv` makes room.
 * Simplified: one byte cap for the pair (Linux charges the writer's send buffer and the reader's
 * receive buffer apart, with each packet's overhead, and stops at the window it advertises); the
 * buffers' sizes are fixed (Linux auto-tunes them; on loopback the send buffer reaches its maximum
 * at once, the receive buffer grows only as the reader reads: the profile holds those sizes); and
 * a `send` that finds room queues its whole message (Linux copies what fits and blocks for the
 * rest), so the cap can be passed by one message.
 */
export class Connection {
  /** Index in the simulation's table of ends (the target of delivery events). */
  readonly id: number;
  /** Socket name from the preset. */
  readonly socket: string;
  /** The other end. */
  peer!: Connection;
  /** Thread that reads and writes this end. */
  owner: PyThread | null = null;
  /** Messages arrived and unread; a 0 is an end of file. */
  readonly inbox: number[] = [];
  /** Messages sent towards this end and not yet arrived, in order. */
  readonly inFlight: number[] = [];
  /** Thread asleep in `recv` (or `accept`) on this end. */
  reader: PyThread | null = null;
  /** Bytes sent from this end that the peer has not yet received (in flight or in its inbox). */
  queued = 0;
  /** Thread asleep in `send` on this end: the buffers towards the peer are full. */
  writer: PyThread | null = null;
  /** Whether the client end has connected (for the server's `accept`). */
  connected = false;

  constructor(id: number, socket: string) {
    this.id = id;
    this.socket = socket;
  }
}
