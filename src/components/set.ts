import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HarnessError } from '../errors.ts';
import { ComponentProcess, type LogMark } from './process.ts';
import type { NetworkAttachment } from '../topology/fake-internet.ts';
import type { ComponentSpec } from './schema.ts';
import { renderTemplate, templateVariables, type TemplateContext } from './template.ts';

/** What the run tells every component's template (the per-component fields are filled here). */
export type RunTemplateContext = Omit<TemplateContext, 'config' | 'dir' | 'log' | 'listenAddress' | 'listenPort'>;

/** A component's lines logged during one trial (the record's `components.<name>.log`). */
export type ComponentLogs = Record<string, { log: string[] }>;

/** HTTPS_PROXY / HTTP_PROXY and GOPROXY, as these components' roles say. */
function envOf(specs: readonly ComponentSpec[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const c of specs) {
    if (c.role === 'connect-proxy') env['HTTPS_PROXY'] = env['HTTP_PROXY'] = `http://${c.address}:${c.port}`;
    if (c.role === 'mirror') env['GOPROXY'] = `http://${c.address}:${c.port}`;
  }
  return env;
}

/**
 * The real programs of a run (netns backend): each in its own directory under the run's scratch,
 * started in order, wired by role; they live as long as the run unless a phase resets them.
 */
export class Components implements NetworkAttachment {
  private readonly specs: readonly ComponentSpec[];
  private readonly baseDir: string;
  private readonly run: RunTemplateContext;
  private running: ComponentProcess[] = [];
  private marks = new Map<string, LogMark>();
  /** Just started: the first trial needs no restart. */
  private fresh = false;

  private constructor(specs: readonly ComponentSpec[], baseDir: string, run: RunTemplateContext) {
    this.specs = specs;
    this.baseDir = baseDir;
    this.run = run;
  }

  static async start(specs: readonly ComponentSpec[], baseDir: string, run: RunTemplateContext): Promise<Components> {
    const components = new Components(specs, baseDir, run);
    await components.startAll();
    return components;
  }

  /** The client's proxy and GOPROXY, as the roles of the components wired in every cell say. */
  clientEnv(): Record<string, string> {
    return envOf(this.specs.filter((c) => !c.perCell));
  }

  /** The client's nameserver, when a component wired in every cell is the resolver. */
  nameserver(): string | undefined {
    return this.specs.find((c) => c.role === 'resolver' && !c.perCell)?.address;
  }

  /** Where a component wired in one cell only (mitigation `component`) goes: the client's environment or its nameserver. */
  cellWiring(name: string): { env: Record<string, string>; nameserver?: string } {
    const spec = this.specs.find((c) => c.name === name);
    if (!spec) throw new Error(`no component ${name} in this run`);
    return { env: envOf([spec]), ...(spec.role === 'resolver' ? { nameserver: spec.address } : {}) };
  }

  /** Whether each trial starts from fresh components (empty caches) or from the state before it. */
  resetEachTrial = false;

  enterPhase(phase: { reset: 'each-trial' | 'none' }): void {
    this.resetEachTrial = phase.reset === 'each-trial';
  }

  /** Before a trial: a restart with empty state when resetting, then the trial's logs start here. */
  async beginTrial(): Promise<void> {
    // a restart brings a dead program back; state it should have kept is lost, which is the harness's failure
    if (!this.resetEachTrial) this.assertAlive('before the trial (its state is lost)');
    if (this.resetEachTrial && !this.fresh) {
      await this.stopAll();
      await this.startAll();
    }
    this.fresh = false;
    this.marks = new Map(this.running.map((p) => [p.spec.name, p.mark()]));
  }

  /** The lines each component logged since the trial began; a component that died is a harness error. */
  async logs(): Promise<ComponentLogs> {
    await Promise.all(this.running.map((p) => p.settle()));
    this.assertAlive('during the trial');
    const out: ComponentLogs = {};
    for (const p of this.running) out[p.spec.name] = { log: p.linesSince(this.marks.get(p.spec.name) ?? { lines: 0, logBytes: 0 }) };
    return out;
  }

  async stop(): Promise<void> {
    await this.stopAll();
  }

  private assertAlive(when: string): void {
    for (const p of this.running) {
      const died = p.died();
      if (died) throw new HarnessError('COMPONENT_START', `component ${p.spec.name} ${died} ${when}: ${p.lastLines()}`);
    }
  }

  private async startAll(): Promise<void> {
    for (const spec of this.specs) {
      const process = await this.prepare(spec);
      this.running.push(process);
      try {
        await process.start();
      } catch (err) {
        await this.stopAll();
        throw err;
      }
    }
    this.fresh = true;
  }

  private async stopAll(): Promise<void> {
    const running = this.running.reverse();
    this.running = [];
    await Promise.allSettled(running.map((p) => p.stop()));
  }

  /** A fresh directory with the rendered config and an empty log file every user may write. */
  private async prepare(spec: ComponentSpec): Promise<ComponentProcess> {
    const dir = join(this.baseDir, spec.name);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    // daemons drop to their own user (squid: proxy, nginx workers: www-data)
    await chmod(dir, 0o777);
    const log = join(dir, 'component.log');
    await writeFile(log, '');
    await chmod(log, 0o666);
    const config = join(dir, spec.config?.fileName ?? 'component.conf');
    const variables = templateVariables({ ...this.run, config, dir, log, listenAddress: spec.address, listenPort: spec.port });
    if (spec.config) await writeFile(config, renderTemplate(spec.config.text, variables, `component ${spec.name}: ${spec.config.fileName}`));
    const argv = spec.command.map((arg) => renderTemplate(arg, variables, `component ${spec.name}: command`));
    return new ComponentProcess(spec, argv, log);
  }
}
