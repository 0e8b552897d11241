import { z } from 'zod';
import { faultSchema } from '../faults/catalog.ts';

/** What a real program does in the fake internet, and so where the harness wires it. */
const COMPONENT_ROLES = ['connect-proxy', 'mirror', 'resolver', 'sni-gateway'] as const;
export type ComponentRole = (typeof COMPONENT_ROLES)[number];

/** The port each role listens on unless the component says otherwise. */
export const DEFAULT_PORTS: Readonly<Record<ComponentRole, number>> = Object.freeze({
  'connect-proxy': 3128,
  mirror: 8080,
  resolver: 53,
  'sni-gateway': 443,
});

const hostName = z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'a host name such as "proxy.corp.example"');

export const componentSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'lower-case letters, digits and "-", at most 32'),
  host: hostName,
  role: z.enum(COMPONENT_ROLES),
  /** argv; '{{config}}' and the other template variables are filled in. */
  command: z.array(z.string().min(1)).min(1),
  /** The config template, relative to the scenario file (absolute paths work). */
  config: z.string().min(1).optional(),
  port: z.number().int().min(1).max(65_535).optional(),
  ready: z.union([
    z.strictObject({ tcp: z.number().int().min(1).max(65_535) }),
    z.strictObject({ http: z.string().startsWith('/') }),
    z.strictObject({ dns: hostName }),
  ]),
  readyTimeoutMs: z.number().int().min(100).max(120_000).optional(),
});


/** A phase of a run: its trials run after the previous phase's, the components' state carried over. */
export const phaseSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'lower-case letters, digits and "-", at most 32'),
  /** 'each-trial': the components restart with empty state before every trial of the phase. */
  reset: z.enum(['each-trial', 'none']).optional(),
  /** Faults of this phase only, on top of the scenario's. */
  faults: z.array(faultSchema).optional(),
  reps: z.number().int().min(1).max(10_000).optional(),
});


/** A component as the sandbox starts it: validated, its template read, its address assigned. */
export interface ComponentSpec {
  name: string;
  host: string;
  role: ComponentRole;
  command: string[];
  /** The template's text and its file name (the rendered file keeps the name). */
  config: { text: string; fileName: string } | undefined;
  address: string;
  port: number;
  ready: z.output<typeof componentSchema>['ready'];
  readyTimeoutMs: number;
  /** Wired only in the cells of a `{ name: 'component' }` mitigation naming it (else in every cell). */
  perCell?: boolean;
}

export interface PhaseSpec {
  name: string;
  reset: 'each-trial' | 'none';
  faults: z.output<typeof faultSchema>[];
  reps: number | undefined;
}
