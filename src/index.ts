export { defineScenario, type ScenarioDefinition } from './scenario/define.ts';
export type { Duration } from './duration.ts';
export type { MitigationName } from './mitigations/catalog.ts';
export type { TrialRecord, Outcome } from './runner/record.ts';
export type { CorpusOptions } from './corpus/generate.ts';
