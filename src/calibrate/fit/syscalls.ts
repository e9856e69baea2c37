import { z } from 'zod';
import { fmt, median, min } from '../stats.js';
import { noteSkips, put, records, type FitContext } from './figures.js';

const kinds = ['labs', 'nosys', 'wake_empty', 'wait_eagain', 'nanosleep0'] as const;
const callsRecord = z.object({
  python: z.string(),
  cpu: z.number(),
  calls: z.number().positive(),
  sleep_calls: z.number().positive(),
  seconds: z.object(Object.fromEntries(kinds.map((k) => [k, z.array(z.number().positive()).min(1)])) as Record<(typeof kinds)[number], z.ZodArray<z.ZodNumber>>),
  errno: z.record(z.string(), z.number()),
});
const sleepRecord = z.object({ python: z.string(), requested: z.array(z.number()), seconds: z.array(z.array(z.number())), timer_slack_ns: z.number() });

const EAGAIN = 11;

/**
 * System-call costs through ctypes, each the fastest batch's mean per call minus the ctypes call
 * itself (labs through the same prototype): `syscalls.ctypesCall`, `syscalls.bare` (an ENOSYS
 * syscall), `syscalls.futexWakeEmpty`, `syscalls.futexWaitEagain` and its halves
 * `syscalls.futexWaitEntry` / `syscalls.futexWaitReturn`, `syscalls.sleep` (a zero
 * clock_nanosleep with 1 ns timer slack), `syscalls.timerSlack` and `syscalls.sleepOvershoot`.
 */
export function fitSyscalls(ctx: FitContext): void {
  noteSkips(ctx, 'syscalls');
  for (const { run, rec } of records(ctx, 'syscalls', 'calls', callsRecord)) {
    const calls = (k: (typeof kinds)[number]) => (k === 'nanosleep0' ? rec.sleep_calls : rec.calls);
    const per = (k: (typeof kinds)[number]) => (min(rec.seconds[k]) / calls(k)) * 1e9;
    const med = (k: (typeof kinds)[number]) => (median(rec.seconds[k]) / calls(k)) * 1e9;
    const where = `syscalls.py under ${run.python}, CPU ${rec.cpu}, ${rec.seconds.labs.length} batches of ${fmt(rec.calls)} calls (${fmt(rec.sleep_calls)} for the sleep) taking turns`;
    const ctypes = per('labs');
    put(ctx, 'syscalls.ctypesCall', Math.round(ctypes), `${where}: labs() through the futex call's ctypes prototype, no system call: ${fmt(ctypes)} ns per call in the fastest batch (median batch ${fmt(med('labs'))})`);
    const net = (k: (typeof kinds)[number], what: string, name: string) => {
      const v = per(k) - ctypes;
      put(ctx, name, Math.round(v), `${where}: ${what}: ${fmt(per(k))} ns per call in the fastest batch (median batch ${fmt(med(k))}), minus ${fmt(ctypes)} ns for the ctypes call`);
      return v;
    };
    net('nosys', 'syscall(-1), entry and exit only (ENOSYS)', 'syscalls.bare');
    if (rec.errno.wake_empty !== 0 || rec.errno.wake_empty_woken !== 0) ctx.notes.push(`syscalls under ${run.python}: FUTEX_WAKE on an unwatched word did not return 0 (errno ${rec.errno.wake_empty}); futexWakeEmpty dropped`);
    else net('wake_empty', 'futex(FUTEX_WAKE_PRIVATE) with nobody waiting', 'syscalls.futexWakeEmpty');
    if (rec.errno.wait_eagain !== EAGAIN) ctx.notes.push(`syscalls under ${run.python}: FUTEX_WAIT on a changed word gave errno ${rec.errno.wait_eagain}, not EAGAIN; futexWaitEagain dropped`);
    else {
      const eagain = net('wait_eagain', 'futex(FUTEX_WAIT_PRIVATE) on a word that no longer holds the expected value, returning EAGAIN', 'syscalls.futexWaitEagain');
      // The futex's own work (hashing the address, locking its bucket, reading the word) is all
      // on the way in; the way out is a plain return from a system call: half a bare syscall.
      const bare = ctx.m['syscalls.bare']?.value;
      const back = bare !== undefined && bare > 0 && bare / 2 < eagain ? bare / 2 : eagain / 2;
      const split =
        bare !== undefined && back === bare / 2
          ? `the EAGAIN path (${fmt(eagain)} ns) split at the compare: the return is a bare syscall's exit, half of syscall(-1)'s ${fmt(bare)} ns (a rule), the entry the rest`
          : `half of the EAGAIN path (${fmt(eagain)} ns: entry, the compare, the return; split in two halves, a rule: no bare syscall was timed)`;
      put(ctx, 'syscalls.futexWaitEntry', Math.round(eagain - back), `${where}: ${split}`);
      put(ctx, 'syscalls.futexWaitReturn', Math.round(back), `${where}: ${split}`);
    }
    net('nanosleep0', 'clock_nanosleep of 0 s with the timer slack at 1 ns: entering and leaving a sleep that is due at once', 'syscalls.sleep');
  }
  for (const { run, rec } of records(ctx, 'syscalls', 'sleep', sleepRecord)) {
    const over = rec.requested.flatMap((d, i) => rec.seconds[i].map((s) => (s - d) * 1e9));
    put(ctx, 'syscalls.timerSlack', rec.timer_slack_ns, `syscalls.py under ${run.python}: prctl(PR_GET_TIMERSLACK) of a normal thread`);
    put(ctx, 'syscalls.sleepOvershoot', Math.round(median(over)), `syscalls.py under ${run.python}: time.sleep of ${rec.requested.map((d) => `${fmt(d * 1e6)} us`).join(', ')}, ${over.length} sleeps: median overshoot ${fmt(median(over))} ns (fastest ${fmt(min(over))}) with the default timer slack of ${fmt(rec.timer_slack_ns)} ns`);
  }
}
