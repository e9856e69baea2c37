/**
 * The model's public face: everything the session, the dashboard, the command line and the
 * configuration may use of the simulation. Nothing above `src/model` imports the folders below
 * it (engine, os, interpreter, policies) directly (a test checks it), so the model can be
 * reshaped behind this file.
 */
export { Simulation, type ThreadInfo } from './simulation.js';
export { controlActionSchema, controlActionTypes, limits, type ControlAction } from './control.js';
export type { ClientSnapshot, CoreSnapshot, ProcessSnapshot, SimConfig, Snapshot, ThreadSnapshot, ThreadSpec } from './types.js';
export { ThreadView, threadViewNames, type ThreadViewName, type TraceBuffer } from '../engine/trace.js';
export type { Journal } from '../engine/journal.js';
export { copyCounters, countersSchema, createCounters, type Counters, type SyscallCounters } from '../engine/counters.js';
export { policyNames, type GilView, type PolicyName } from '../policies/policy.js';
export {
  interpreterNames,
  iterationNs,
  nsNumber,
  profileFromFile,
  profileLimits,
  profileSchemas,
  type InterpreterName,
  type MachineProfile,
  type ProfileFile,
  type ProfileTextRules,
} from '../os/machine-profile.js';
export { loopKinds, type LoopKind } from '../interpreter/loops.js';
export type { OpSpec } from '../interpreter/program.js';
