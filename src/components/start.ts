import { join } from 'node:path';
import type { SandboxRunConfig } from '../sandbox/run-config.ts';
import type { FakeInternet } from '../topology/fake-internet.ts';
import { runTemplateContext } from './run-context.ts';
import { Components } from './set.ts';

/** The scenario's real programs, started in the sandbox once its fake internet is up (which stops on failure). */
export async function startComponents(config: SandboxRunConfig, internet: FakeInternet): Promise<Components> {
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
