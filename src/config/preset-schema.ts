import { z } from 'zod';
import { limits, loopKinds, policyNames, type OpSpec } from '../model/index.js';
import { quote } from './read-input.js';

/** Bounds a user can set (declared with the control actions they bound). */
export { limits };

/** A text shown on a terminal: no control characters (an ANSI escape would take the screen over). */
export const printable = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(s), { message: 'must not contain control characters (newlines, escapes)' });

const micros = z
  .number()
  .min(limits.micros.min, 'must be at least 0.001 microseconds (1 ns)')
  .max(limits.micros.max, 'must be at most an hour');
const socketName = printable(64).min(1, 'must name a socket');

const opSchema: z.ZodType<OpSpec> = z.lazy(() =>
  z.discriminatedUnion('op', [
    z.strictObject({
      op: z.literal('loop'),
      kind: z.string().refine((k) => Object.hasOwn(loopKinds, k), { message: `must be one of: ${Object.keys(loopKinds).join(', ')}` }),
      iterations: z.number().positive('must be positive').max(limits.count.max, 'must be at most 1e12').int('must be a whole number'),
      shared: printable(64).min(1, 'must name a shared object').optional(),
    }),
    z.strictObject({ op: z.literal('ccall'), us: micros }),
    z.strictObject({ op: z.literal('work'), us: micros }),
    z.strictObject({ op: z.literal('sleep'), us: micros }),
    z.strictObject({ op: z.literal('accept'), socket: socketName }),
    z.strictObject({ op: z.literal('connect'), socket: socketName }),
    z.strictObject({ op: z.literal('recv'), socket: socketName }),
    z.strictObject({ op: z.literal('send'), socket: socketName, bytes: z.number().positive('must be positive').max(1e9, 'must be at most 1e9').int('must be a whole number').optional() }),
    z.strictObject({ op: z.literal('close'), socket: socketName }),
    z.strictObject({
      op: z.literal('repeat'),
      times: z.union([z.number().nonnegative('must not be negative').max(limits.count.max, 'must be at most 1e12').int('must be a whole number'), z.literal('forever')]),
      body: z.array(opSchema).min(1, 'must not be empty'),
    }),
    z.strictObject({ op: z.literal('request'), body: z.array(opSchema).min(1, 'must not be empty') }),
  ]),
);

const threadSchema = z.strictObject({
  name: printable(24).min(1, 'must not be empty'),
  process: printable(24).min(1, 'must not be empty').optional(),
  main: z.boolean().optional(),
  daemon: z.boolean().optional(),
  startUs: z.number().nonnegative('must not be negative').max(limits.micros.max, 'must be at most an hour').optional(),
  program: z.array(opSchema).min(1, 'must not be empty').max(10_000, 'must be at most 10,000 operations'),
});

/** The JSON shape of `presets/*.json`. README.md documents it field by field. */
export const presetFileSchema = z
  .strictObject({
    $schema: z.string().max(4096).optional(),
    name: z.string().max(64, 'must be at most 64 characters').regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes'),
    title: printable(200).min(1, 'must not be empty'),
    description: printable(2000).min(1, 'must say what to look for'),
    /** What to look for after the dashboard swaps to another policy (the preset's own: `description`). */
    descriptionFor: z.partialRecord(z.enum(policyNames), printable(2000).min(1, 'must say what to look for')).optional(),
    source: printable(2000).optional(),
    profile: printable(4096).min(1, 'must not be empty'),
    policy: z.enum(policyNames),
    cores: z.number().min(limits.cores.min, `must be at least ${limits.cores.min}`).max(limits.cores.max, `must be at most ${limits.cores.max}`).int('must be a whole number'),
    checkInterval: z
      .number()
      .min(limits.checkInterval.min, `must be at least ${limits.checkInterval.min}`)
      .max(limits.checkInterval.max, `must be at most ${limits.checkInterval.max}`)
      .int('must be a whole number of ticks')
      .default(100),
    switchInterval: z.number().min(limits.switchInterval.min, 'must be at least 1e-6 s').max(limits.switchInterval.max, 'must be at most 10 s').default(0.005),
    seed: z.union([printable(200), z.number()]).transform(String).default('1'),
    expected: z
      .strictObject({
        seconds: z.number().positive('must be positive').max(1e6, 'must be at most 1e6'),
        note: printable(4000).optional(),
      })
      .optional(),
    threads: z.array(threadSchema).max(256, 'must be at most 256 threads').default([]),
    actors: z.array(threadSchema).max(256, 'must be at most 256 actors').default([]),
  })
  .superRefine((p, ctx) => {
    if (p.threads.length === 0) ctx.addIssue({ code: 'custom', path: ['threads'], message: 'needs at least one Python thread' });
    if (p.descriptionFor?.[p.policy] !== undefined)
      ctx.addIssue({ code: 'custom', path: ['descriptionFor', p.policy], message: `"${p.policy}" is the preset's own policy: "description" says what to look for under it` });
    const seen = new Set<string>();
    const all = [...p.threads.map((t, i) => ['threads', i, t] as const), ...p.actors.map((t, i) => ['actors', i, t] as const)];
    const sockets = new Map<string, { accept: number; connect: number }>();
    for (const [list, i, t] of all) {
      if (seen.has(t.name)) ctx.addIssue({ code: 'custom', path: [list, i, 'name'], message: `${quote(t.name)} is used twice` });
      seen.add(t.name);
      const own = new Set<string>();
      const walk = (ops: OpSpec[], path: (string | number)[]) =>
        ops.forEach((op, j) => {
          const at = [...path, j];
          if (op.op === 'ccall' && list === 'actors') ctx.addIssue({ code: 'custom', path: [...at, 'op'], message: 'a ccall holds a GIL: actors run no Python (use "work")' });
          if (op.op === 'work' && list === 'threads') ctx.addIssue({ code: 'custom', path: [...at, 'op'], message: 'Python threads run "loop" or "ccall"; "work" is for actors' });
          if (op.op === 'loop' && list === 'actors') ctx.addIssue({ code: 'custom', path: [...at, 'op'], message: 'actors run no Python (use "work")' });
          if (op.op === 'accept' || op.op === 'connect') {
            const s = sockets.get(op.socket) ?? { accept: 0, connect: 0 };
            s[op.op]++;
            sockets.set(op.socket, s);
            own.add(op.socket);
          }
          if ((op.op === 'recv' || op.op === 'send' || op.op === 'close') && !own.has(op.socket))
            ctx.addIssue({ code: 'custom', path: [...at, 'socket'], message: `${quote(op.socket)} must be accepted or connected earlier in this program` });
          if (op.op === 'repeat' || op.op === 'request') {
            if (op.op === 'repeat' && !takesTime(op.body)) ctx.addIssue({ code: 'custom', path: [...at, 'body'], message: 'must contain something that takes time' });
            walk(op.body, [...at, 'body']);
          }
        });
      walk(t.program, [list, i, 'program']);
    }
    for (const [name, s] of sockets)
      if (s.accept !== 1 || s.connect !== 1)
        ctx.addIssue({ code: 'custom', path: ['threads'], message: `socket ${quote(name)} needs exactly one accept and one connect (has ${s.accept} and ${s.connect})` });
  });

/** Whether running `ops` advances simulated time (so a repeat of them cannot spin forever). */
function takesTime(ops: OpSpec[]): boolean {
  return ops.some((op) => (op.op === 'repeat' ? op.times !== 0 && takesTime(op.body) : op.op === 'request' ? takesTime(op.body) : true));
}

/** A preset as read from its file, validated, with defaults filled in. */
export type PresetFile = z.infer<typeof presetFileSchema>;
