// The catalog moved to src/faults/catalog.ts; this re-export stays until runner/trial.ts and
// sandbox/trial-loop.ts (being restructured in main) import it from there.
export { layerFaults, type LayeredFaults } from '../faults/catalog.ts';
