/**
 * The model's public face: everything the session, the dashboard, the command line and the
 * configuration may use of the simulation. Nothing above `src/model` imports the folders below
 * it (engine, os, interpreter, policies) directly, so the model can be reshaped behind this file.
 */
export { Simulation, type ThreadInfo } from '../engine/simulation.js';
export type { ClientSnapshot, ControlAction, CoreSnapshot, ProcessSnapshot, SimConfig, Snapshot, ThreadSnapshot, ThreadSpec } from '../engine/types.js';
export { ThreadView, threadViewNames, type ThreadViewName, type TraceBuffer } from '../engine/trace.js';
export { copyCounters, createCounters, type Counters, type SyscallCounters } from '../engine/counters.js';
export { policyNames, type GilView, type PolicyName } from '../policies/policy.js';
export type { InterpreterName, MachineProfile } from '../os/machine-profile.js';
export { loopKinds, type LoopKind } from '../workloads/loops.js';
export type { OpSpec } from '../workloads/program.js';
