import { join } from 'node:path';
import type { Corpus } from '../corpus/generate.ts';
import { HarnessError } from '../errors.ts';
import { cacheDir } from '../paths.ts';
import type { KeyPairPem } from '../tls/ca.ts';
import { CORPUS_GIT_HOST, ensureCorpusRepos, type VcsRepo } from './repos.ts';
import { VcsHost, type VcsContent } from './server.ts';

/** What the code host needs of the run's network plan (topology's NetworkPlan has it). */
interface CodeHostPlan {
  corpus: Corpus;
  hosts: ReadonlyArray<{ name: string; role: string }>;
  pki: { hostCertificates: Record<string, KeyPairPem | undefined> };
  addresses: { vcs: string; httpsPort: number };
}

/** A snapshot's private repositories (mirrors of the user's remotes), each at its own host and path. */
function privateRepos(corpus: Corpus): VcsRepo[] {
  return (corpus.private?.repos ?? []).map((r) => ({ modulePath: r.modulePath, urlPath: r.urlPath, gitHost: r.gitHost, dir: join(corpus.dir, r.mirror), tags: [] }));
}

/**
 * The repositories of the run's corpus, from the harness cache (built there on first use), and
 * a project's private ones. Without git on the machine the host still answers (404s, as before
 * it served git): runs that never fetch directly must not need git.
 */
async function content(corpus: Corpus): Promise<VcsContent> {
  try {
    const built = await ensureCorpusRepos(corpus, join(cacheDir(), 'vcs'));
    return { root: built.root, repos: [...built.repos, ...privateRepos(corpus)] };
  } catch (err) {
    if (!(err instanceof HarnessError)) throw err;
    process.stderr.write(`gomod-chaos: ${err.message}: direct VCS fetches will see 404s\n`);
    return { root: '/nonexistent', repos: [] };
  }
}

/**
 * The run's code host, on the plan's `vcs` address for every `vcs` name. It listens at once;
 * its repositories are built in the background the first time a corpus is used (requests wait).
 */
export async function startCodeHost(plan: CodeHostPlan): Promise<VcsHost> {
  const hosts = plan.hosts
    .filter((h) => h.role === 'vcs')
    .map((h) => {
      const certificate = plan.pki.hostCertificates[h.name];
      if (!certificate) throw new Error(`no certificate for ${h.name}`);
      return { name: h.name, certificate };
    });
  const ready = content(plan.corpus);
  // a failure is reported by the requests that wait for it
  ready.catch(() => {});
  const host = new VcsHost({ address: plan.addresses.vcs, port: plan.addresses.httpsPort, hosts, gitHost: CORPUS_GIT_HOST, content: ready });
  await host.start();
  return host;
}
