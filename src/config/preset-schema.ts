import { z } from 'zod';
import { policyNames, loopKinds, type OpSpec } from '../model/index.js';

/** Bounds a user can set, shared by presets, the command line and the dashboard keys. */
export const limits = {
  cores: { min: 1, max: 256 },
  checkInterval: { min: 1, max: 1_000_000 },
  /** Seconds (sys.setswitchinterval takes seconds). */
  switchInterval: { min: 1e-6, max: 10 },
} as const;

const micros = z.number().positive('must be a positive number of microseconds').max(3.6e9, 'must be at most an hour');
const socketName = z.string().min(1, 'must name a socket');

const opSchema: z.ZodType<OpSpec> = z.lazy(() =>
  z.discriminatedUnion('op', [
    z.strictObject({
      op: z.literal('loop'),
      kind: z.string().refine((k) => k in loopKinds, { message: `must be one of: ${Object.keys(loopKinds).join(', ')}` }),
      iterations: z.number().int('must be a whole number').positive('must be positive').max(1e12, 'must be at most 1e12'),
    }),
    z.strictObject({ op: z.literal('ccall'), us: micros }),
    z.strictObject({ op: z.literal('work'), us: micros }),
    z.strictObject({ op: z.literal('sleep'), us: micros }),
    z.strictObject({ op: z.literal('accept'), socket: socketName }),
    z.strictObject({ op: z.literal('connect'), socket: socketName }),
    z.strictObject({ op: z.literal('recv'), socket: socketName }),
    z.strictObject({ op: z.literal('send'), socket: socketName, bytes: z.number().int().positive().optional() }),
    z.strictObject({ op: z.literal('close'), socket: socketName }),
    z.strictObject({
      op: z.literal('repeat'),
      times: z.union([z.number().int('must be a whole number').nonnegative(), z.literal('forever')]),
      body: z.array(opSchema).min(1, 'must not be empty'),
    }),
    z.strictObject({ op: z.literal('request'), body: z.array(opSchema).min(1, 'must not be empty') }),
  ]),
);

const threadSchema = z.strictObject({
  name: z.string().min(1, 'must not be empty').max(24, 'must be at most 24 characters'),
  process: z.string().min(1).optional(),
  main: z.boolean().optional(),
  daemon: z.boolean().optional(),
  startUs: z.number().nonnegative().optional(),
  program: z.array(opSchema).min(1, 'must not be empty'),
});

/** The JSON shape of `presets/*.json`. README.md documents it field by field. */
export const presetFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes'),
    title: z.string().min(1),
    description: z.string().min(1, 'must say what to look for'),
    source: z.string().optional(),
    profile: z.string().min(1),
    policy: z.enum(policyNames),
    cores: z.number().int('must be a whole number').min(limits.cores.min, `must be at least ${limits.cores.min}`).max(limits.cores.max, `must be at most ${limits.cores.max}`),
    checkInterval: z.number().int('must be a whole number of ticks').min(limits.checkInterval.min).max(limits.checkInterval.max).default(100),
    switchInterval: z.number().min(limits.switchInterval.min, 'must be at least 1e-6 s').max(limits.switchInterval.max, 'must be at most 10 s').default(0.005),
    seed: z.union([z.string(), z.number()]).transform(String).default('1'),
    expected: z
      .strictObject({
        seconds: z.number().positive(),
        note: z.string().optional(),
      })
      .optional(),
    threads: z.array(threadSchema).default([]),
    actors: z.array(threadSchema).default([]),
  })
  .superRefine((p, ctx) => {
    if (p.threads.length === 0) ctx.addIssue({ code: 'custom', path: ['threads'], message: 'needs at least one Python thread' });
    const seen = new Set<string>();
    const all = [...p.threads.map((t, i) => ['threads', i, t] as const), ...p.actors.map((t, i) => ['actors', i, t] as const)];
    const sockets = new Map<string, { accept: number; connect: number }>();
    for (const [list, i, t] of all) {
      if (seen.has(t.name)) ctx.addIssue({ code: 'custom', path: [list, i, 'name'], message: `"${t.name}" is used twice` });
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
            ctx.addIssue({ code: 'custom', path: [...at, 'socket'], message: `"${op.socket}" must be accepted or connected earlier in this program` });
          if (op.op === 'repeat' || op.op === 'request') {
            if (op.op === 'repeat' && !takesTime(op.body)) ctx.addIssue({ code: 'custom', path: [...at, 'body'], message: 'must contain something that takes time' });
            walk(op.body, [...at, 'body']);
          }
        });
      walk(t.program, [list, i, 'program']);
    }
    for (const [name, s] of sockets)
      if (s.accept !== 1 || s.connect !== 1)
        ctx.addIssue({ code: 'custom', path: ['threads'], message: `socket "${name}" needs exactly one accept and one connect (has ${s.accept} and ${s.connect})` });
  });

/** Whether running `ops` advances simulated time (so a repeat of them cannot spin forever). */
function takesTime(ops: OpSpec[]): boolean {
  return ops.some((op) => (op.op === 'repeat' ? op.times !== 0 && takesTime(op.body) : op.op === 'request' ? takesTime(op.body) : true));
}

/** A preset as read from its file, validated, with defaults filled in. */
export type PresetFile = z.infer<typeof presetFileSchema>;
