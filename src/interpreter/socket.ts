import type { PyThread } from './py-thread.js';

/**
 * One end of a loopback TCP connection: what has arrived and not yet been read, what is still
 * in flight towards it, and who sleeps in `recv` or `accept` on it. Bytes keep their message
 * boundaries (a `recv` returns one message), which is what the article's echo exchange does.
 */
export class Connection {
  /** Index in the simulation's table of ends (the target of delivery events). */
  readonly id: number;
  /** Socket name from the preset. */
  readonly socket: string;
  /** The other end. */
  peer!: Connection;
  /** Messages arrived and unread; a 0 is an end of file. */
  readonly inbox: number[] = [];
  /** Messages sent towards this end and not yet arrived, in order. */
  readonly inFlight: number[] = [];
  /** Thread asleep in `recv` (or `accept`) on this end. */
  reader: PyThread | null = null;
  /** Whether the client end has connected (for the server's `accept`). */
  connected = false;

  constructor(id: number, socket: string) {
    this.id = id;
    this.socket = socket;
  }
}
