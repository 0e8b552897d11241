import type { ScenarioDefinition } from './load.ts';

export type { ScenarioDefinition };

/** Typed identity: gives editors completion for every field; validation happens at load. */
export function defineScenario(definition: ScenarioDefinition): ScenarioDefinition {
  return definition;
}
