/** Where the hosts of a run live: namespaces of this machine, or Docker containers. */
export const BACKENDS = ['netns', 'docker'] as const;
export type Backend = (typeof BACKENDS)[number];
