/**
 * Mitigations: changes a real user could make to their own client. Each one only changes the
 * client's environment (later: its resolv.conf/hosts, or local services it could run).
 */
export interface Mitigation {
  name: string;
  description: string;
  /** Variables added to the client's environment. */
  env: Readonly<Record<string, string>>;
}

export const MITIGATIONS = Object.freeze({
  baseline: {
    name: 'baseline',
    description: "the toolchain's defaults, nothing changed",
    env: {},
  },
  'http2-off': {
    name: 'http2-off',
    description: 'GODEBUG=http2client=0: cmd/go speaks HTTP/1.1 and opens parallel connections',
    env: { GODEBUG: 'http2client=0' },
  },
} satisfies Record<string, Mitigation>);

export type MitigationName = keyof typeof MITIGATIONS;
export const MITIGATION_NAMES = Object.keys(MITIGATIONS) as MitigationName[];
