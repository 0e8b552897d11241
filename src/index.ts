/// <reference types="node" preserve="true" />
// (the public types mention Buffer: the reference brings @types/node, a dependency, to users)
export { defineScenario, type ScenarioDefinition } from './scenario/define.ts';
export type { Duration } from './duration.ts';
export type { MitigationInput, MitigationName } from './mitigations/catalog.ts';
export type { Fault, FaultKind } from './faults/catalog.ts';
export type { TrialRecord, Outcome } from './runner/record.ts';
export type { CorpusOptions } from './corpus/generate.ts';
