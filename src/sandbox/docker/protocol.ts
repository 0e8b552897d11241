import { request } from 'undici';
import type { Random } from '../../random.ts';
import type { LayeredFaults } from '../../faults/catalog.ts';
import type { HostLogs, HostRole, NetworkPlan, TrialHost } from '../../topology/hosts.ts';

/** What the harness and the containers' agents (agent.ts) agree on. */
export const CONTROL_PORT = 7070;
export const AGENT_READY = 'gomod-chaos agent ready';
/** Events on the client container's stdout start with this (other lines are diagnostics). */
export const EVENT_PREFIX = '@gomod-chaos ';

/** A host in its container, driven over its control port. */
export class RemoteHost implements TrialHost {
  readonly role: HostRole;
  private readonly base: string;

  constructor(role: HostRole, address: string) {
    this.role = role;
    this.base = `http://${address}:${CONTROL_PORT}`;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, input?: unknown): Promise<T> {
    const res = await request(`${this.base}${path}`, {
      method,
      ...(input === undefined ? {} : { body: JSON.stringify(input), headers: { 'content-type': 'application/json' } }),
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
    const value = (await res.body.json()) as T & { error?: string };
    if (res.statusCode !== 200) throw new Error(`${this.role} host (${this.base}) ${method} ${path}: ${value?.error ?? res.statusCode}`);
    return value;
  }

  start(plan: NetworkPlan): Promise<unknown> {
    return this.call('POST', '/start', { role: this.role, plan });
  }

  async begin(faults: LayeredFaults, _random: Random, seed: number): Promise<void> {
    await this.call('POST', '/begin', { faults, seed });
  }

  async startClock(): Promise<void> {
    await this.call('POST', '/clock', {});
  }

  logs(): Promise<HostLogs> {
    return this.call('GET', '/logs');
  }

  async end(): Promise<void> {
    await this.call('POST', '/end', {});
  }

  async verifierKey(): Promise<string | undefined> {
    return (await this.call<{ key: string | null }>('GET', '/verifier-key')).key ?? undefined;
  }

  /** The container's own lifecycle stops the host (the harness removes it). */
  async stop(): Promise<void> {}
}

