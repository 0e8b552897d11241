import { join } from 'node:path';
import type { RunPki } from '../tls/run-pki.ts';
import type { FakeInternet } from '../topology/fake-internet.ts';
import { runTemplateContext } from './run-context.ts';
import type { ComponentSpec, PhaseSpec } from './schema.ts';
import { Components } from './set.ts';

/** What the sandbox's run config says about its real programs. */
export interface ComponentsConfig {
  components?: ComponentSpec[] | undefined;
  phases?: PhaseSpec[] | undefined;
  scratchDir: string;
  pki: RunPki;
  defaultGoproxy: string;
  defaultGosumdb: string;
}

/** The scenario's real programs, started in the sandbox once its fake internet is up (which stops on failure). */
export async function startComponents(config: ComponentsConfig, internet: FakeInternet): Promise<Components> {
  try {
    const dir = join(config.scratchDir, 'real');
    const run = await runTemplateContext(dir, { addresses: internet.plan.addresses, pki: config.pki, caFile: internet.caFile, defaultGoproxy: config.defaultGoproxy, defaultGosumdb: config.defaultGosumdb });
    const components = await Components.start(config.components ?? [], dir, run);
    // without phases every trial starts from fresh components: trials stay independent
    components.resetEachTrial = (config.phases?.[0]?.reset ?? 'each-trial') === 'each-trial';
    return components;
  } catch (err) {
    await internet.stop();
    throw err;
  }
}
