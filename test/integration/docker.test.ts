import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerEngine, LABELS } from '../../src/sandbox/docker/backend.ts';
import type { ContainerRuntimeClient } from 'testcontainers';
import { readRecords, runCli, startCli, waitFor } from '../helpers.ts';
import { expectFetchedWithGit, expectGitReset } from './vcs-expect.ts';

/**
 * The docker backend with a real engine: real images built from this machine's artifacts, a
 * container per host, the real go in the client container. .ci/run starts an engine and sets
 * GOMOD_CHAOS_DOCKER_TESTS=1, which makes a missing engine a failure instead of a skip.
 */
const required = process.env['GOMOD_CHAOS_DOCKER_TESTS'] === '1';
let engine: ContainerRuntimeClient | undefined;
let engineError = '';
try {
  engine = await dockerEngine();
} catch (err) {
  engineError = (err as Error).message;
}

const out = mkdtempSync(join(tmpdir(), 'gomod-chaos-test-docker-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Containers and networks carrying the label of runs started by this harness pid. */
async function leftoversOf(pid: number): Promise<{ containers: string[]; networks: string[] }> {
  const docker = engine!.container.dockerode;
  const filter = { label: [`${LABELS.pid}=${pid}`] };
  const containers = await docker.listContainers({ all: true, filters: filter });
  const networks = await docker.listNetworks({ filters: filter });
  return { containers: containers.map((c) => c.Names[0] ?? c.Id), networks: networks.map((n) => n.Name) };
}

function cells(records: Array<Record<string, any>>): Record<string, string> {
  const byCell: Record<string, string> = {};
  for (const r of records) byCell[r.mitigation] = `${r.outcome}${r.failureClass ? `:${r.failureClass}` : ''}`;
  return byCell;
}

// the first test builds the images on a fresh machine (about 1.5 minutes on 2 cores)
const SLOW = { timeout: 600_000 };

/**
 * Direct VCS fetches in one sandbox: the candidate (an SNI filter on git.corp.example) alternates
 * with its fault-free base. Run once (a sandbox is the cost): as the run after the SIGKILL, whose
 * test checks the sweep, and read by the VCS test (which runs it itself when run alone).
 */
const VCS_OUT = join(out, 'vcs');
let vcsRunning: ReturnType<typeof runCli> | undefined;
const vcsRun = () => (vcsRunning ??= runCli(['run', 'test/fixtures/scenarios/vcs-sni.ts', '--against', 'test/fixtures/scenarios/vcs-clean.ts', '--backend', 'docker', '--out', VCS_OUT]));

describe.runIf(engine || required)('the docker backend', () => {
  beforeAll(() => {
    if (!engine) throw new Error(`GOMOD_CHAOS_DOCKER_TESTS=1 but ${engineError}`);
  });

  it('runs the clean scenario: a container per host on an internal 198.18.0.0/15 network, h2 and h1 as asked, nothing left after', SLOW, async () => {
    const dir = join(out, 'clean');
    const cli = startCli(['run', 'scenarios/clean.ts', '--backend', 'docker', '--reps', '3', '--out', dir]);
    const pid = cli.child.pid!;
    // while it runs: eight containers (seven hosts, the code host among them, and the client) on one internal network of its own
    const network = await waitFor(
      'the run containers, all on the network',
      async () => {
        const seen = await leftoversOf(pid);
        if (seen.containers.length !== 8 || seen.networks.length !== 1) return undefined;
        const inspected = await engine!.container.dockerode.getNetwork(seen.networks[0]!).inspect();
        return Object.keys(inspected.Containers ?? {}).length === 8 ? inspected : undefined;
      },
      300_000,
    );
    expect(network.Internal).toBe(true);
    expect(network.IPAM?.Config?.[0]?.Subnet).toMatch(/^198\.1[89]\.\d+\.0\/24$/);
    const result = await cli.done;
    expect(result.code, result.stderr).toBe(0);

    const records = readRecords(join(dir, 'results.jsonl'));
    expect(records).toHaveLength(6);
    for (const r of records) {
      expect(r.backend).toBe('docker');
      expect(r.outcome, r.stderrTail).toBe('ok');
      expect(r.modules).toBeGreaterThan(0);
      expect(r.dns.queries).toBeGreaterThan(0);
      // the protocol the origin container saw: the mitigation reached the real go
      if (r.mitigation === 'baseline') expect(r.http.h2).toBe(r.http.requests);
      else expect(r.http.h1).toBe(r.http.requests);
    }
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).backend).toBe('docker');
    expect(await leftoversOf(pid)).toEqual({ containers: [], networks: [] });
  });

  it('a fault scenario ends as it does on the netns backend, cell by cell', SLOW, async () => {
    const outcomes: Record<string, Record<string, string>> = {};
    // both backends at once: outcomes, not times, are compared
    await Promise.all(['netns', 'docker'].map(async (backend) => {
      const dir = join(out, `sni-${backend}`);
      const result = await runCli(['run', 'scenarios/corp-sni-filter.ts', '--backend', backend, '--reps', '1', '--out', dir]);
      expect(result.code, result.stderr).toBe(0);
      outcomes[backend] = cells(readRecords(join(dir, 'results.jsonl')));
    }));
    // the SNI filter resets the Go project's hosts; the mirror's name passes
    expect(outcomes['docker']!['baseline']).toBe('fail:tcp-reset');
    expect(outcomes['docker']!['mirror-list(goproxy.example,default)']).toBe('ok');
    expect(outcomes['docker']).toEqual(outcomes['netns']);
  });

  it('SIGINT stops the run cleanly: trials kept, every container and the network removed', SLOW, async () => {
    const dir = join(out, 'sigint');
    const resultsFile = join(dir, 'results.jsonl');
    const cli = startCli(['run', 'test/fixtures/scenarios/tiny.ts', '--backend', 'docker', '--out', dir]);
    await waitFor('a recorded trial', () => existsSync(resultsFile) && readFileSync(resultsFile, 'utf8').includes('\n'), 300_000);
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/interrupted: \d+ of 400 trials kept in/);
    const records = readRecords(resultsFile);
    expect(records.length).toBeGreaterThan(0);
    expect(records.every((r) => r.outcome === 'ok' && r.backend === 'docker')).toBe(true);
    expect(await leftoversOf(cli.child.pid!)).toEqual({ containers: [], networks: [] });
  });

  it('after SIGKILL of the harness, the next run removes what the killed run left', SLOW, async () => {
    const dir = join(out, 'sigkill');
    const resultsFile = join(dir, 'results.jsonl');
    const killed = startCli(['run', 'test/fixtures/scenarios/tiny.ts', '--backend', 'docker', '--out', dir]);
    await waitFor('a recorded trial', () => existsSync(resultsFile) && readFileSync(resultsFile, 'utf8').includes('\n'), 300_000);
    killed.child.kill('SIGKILL');
    await killed.exited;
    const left = await leftoversOf(killed.child.pid!);
    expect(left.containers.length).toBeGreaterThan(0);
    // the engine closed the client's stdin with the harness: it stops instead of running 400 trials for nobody
    const docker = engine!.container.dockerode;
    const clientName = left.containers.find((n) => n.endsWith('-client'))!;
    const state = await waitFor('the orphaned client to stop', async () => {
      const { State } = await docker.getContainer(clientName.replace(/^\//, '')).inspect();
      return State.Status === 'exited' ? State : undefined;
    }, 30_000);
    // stopped as interrupted (the agent's own exit), not killed
    expect(state.ExitCode).toBe(130);

    // the next run: the direct VCS fetches' run (the next test reads its records)
    const next = await vcsRun();
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toMatch(/removed \d+ container\(s\) and 1 network\(s\) left by killed runs/);
    expect(await leftoversOf(killed.child.pid!)).toEqual({ containers: [], networks: [] });
  });

  it("direct VCS fetches: the client's git fetches from the code host's container over git smart HTTP; an SNI filter on it fails in git", SLOW, async () => {
    const result = await vcsRun();
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    const records = readRecords(join(VCS_OUT, 'results.jsonl'));
    const cell = (scenario: string, mitigation: string) => records.find((r) => r.scenario === scenario && r.mitigation === mitigation)!;
    // the client container's git fetched from the code host's container; the firewall container reset it under the SNI filter
    expectFetchedWithGit(cell('vcs-sni@base', 'goproxy-direct'));
    expect(cell('vcs-sni@base', 'goproxy-direct').backend).toBe('docker');
    expectGitReset(cell('vcs-sni', 'goproxy-direct'));
    for (const scenario of ['vcs-sni', 'vcs-sni@base']) expect(cell(scenario, 'baseline')).toMatchObject({ outcome: 'ok' });
  });

  it('no engine, an engine that refuses, a failed image build: one clear line each, exit 2, nothing left', SLOW, async () => {
    // the official bases need a registry, which this machine has none of (the longest: started first, checked below)
    const building = runCli(['run', 'scenarios/clean.ts', '--backend', 'docker', '--reps', '1', '--out', join(out, 'build')], { GOMOD_CHAOS_IMAGES: 'official' });
    const none = await runCli(['run', 'scenarios/clean.ts', '--backend', 'docker', '--out', join(out, 'none')], { DOCKER_HOST: `unix://${join(out, 'no-such.sock')}` });
    expect(none.code).toBe(2);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toMatch(/no Docker engine answers at DOCKER_HOST=unix:.*no-such\.sock: ENOENT; start one/);
    expect(existsSync(join(out, 'none'))).toBe(false);

    // an engine that answers, and says no
    const socket = join(out, 'refusing.sock');
    const refusing = createServer((_req, res) => res.writeHead(403).end('permission denied by policy'));
    await new Promise<void>((resolve) => refusing.listen(socket, resolve));
    try {
      const refused = await runCli(['run', 'scenarios/clean.ts', '--backend', 'docker', '--out', join(out, 'refused')], { DOCKER_HOST: `unix://${socket}` });
      expect(refused.code).toBe(2);
      expect(refused.stderr.trim().split('\n')).toHaveLength(1);
      expect(refused.stderr).toMatch(/the engine at DOCKER_HOST=unix:.*refused: HTTP 403 permission denied by policy/);
    } finally {
      refusing.close();
    }

    const build = await building;
    expect(build.code).toBe(2);
    expect(build.stderr).toMatch(/building image gomod-chaos-component:[\w-]+ from docker\/component\.Dockerfile failed: .*node:24-bookworm-slim/);
    const lines = build.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^gomod-chaos: clean: backend docker: building image/);

    const bad = await runCli(['run', 'scenarios/clean.ts', '--backend', 'docker'], { GOMOD_CHAOS_IMAGES: 'alpine' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/GOMOD_CHAOS_IMAGES: got "alpine"; allowed: "local" .* or "official"/);
    const stray = await engine!.container.dockerode.listContainers({ all: true, filters: { label: [LABELS.run] } });
    expect(stray).toEqual([]);
  });
});
