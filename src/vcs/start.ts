import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Corpus } from '../corpus/generate.ts';
import type { KeyPairPem } from '../tls/ca.ts';
import { buildCorpusRepos, CORPUS_GIT_HOST } from './repos.ts';
import { VcsHost } from './server.ts';

/** What the code host needs of the run's network plan (topology's NetworkPlan has it). */
interface CodeHostPlan {
  corpus: Corpus;
  hosts: ReadonlyArray<{ name: string; role: string }>;
  pki: { hostCertificates: Record<string, KeyPairPem | undefined> };
  addresses: { vcs: string; httpsPort: number };
}

/**
 * The run's code host: bare repositories built from the corpus into a scratch directory of this
 * run (removed when the host stops), served on the plan's `vcs` address for every `vcs` name.
 */
export async function startCodeHost(plan: CodeHostPlan): Promise<VcsHost> {
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
