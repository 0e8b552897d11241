import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetworkPlan } from '../topology/hosts.ts';
import { buildCorpusRepos, CORPUS_GIT_HOST } from './repos.ts';
import { VcsHost } from './server.ts';

/**
 * The run's code host: bare repositories built from the corpus into a scratch directory of this
 * run (removed when the host stops), served on the plan's `vcs` address for every `vcs` name.
 */
export async function startCodeHost(plan: NetworkPlan): Promise<VcsHost> {
  const root = await mkdtemp(join(tmpdir(), 'gomod-chaos-vcs-'));
  try {
    const repos = await buildCorpusRepos(plan.corpus, root);
    const hosts = plan.hosts
      .filter((h) => h.role === 'vcs')
      .map((h) => {
        const certificate = plan.pki.hostCertificates[h.name];
        if (!certificate) throw new Error(`no certificate for ${h.name}`);
        return { name: h.name, certificate };
      });
    const host = new VcsHost({ address: plan.addresses.vcs, port: plan.addresses.httpsPort, hosts, gitHost: CORPUS_GIT_HOST, projectRoot: root, repos });
    await host.start();
    const stop = host.stop.bind(host);
    host.stop = async () => {
      await stop();
      await rm(root, { recursive: true, force: true });
    };
    return host;
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
}
