import type { IncomingMessage, ServerResponse } from 'node:http';
import http2 from 'node:http2';
import { basename, dirname } from 'node:path';
import type tls from 'node:tls';
import { createSecureContext } from 'node:tls';
import type { KeyPairPem } from '../tls/ca.ts';
import { cgiEnvironment, runGitHttpBackend, type Reply } from './cgi.ts';
import type { VcsRepo } from './repos.ts';

/** One request the code host answered: go's `?go-get=1` discovery or one of git's smart HTTP requests. */
export interface VcsRequestLogEntry {
  atMs: number;
  host: string;
  method: string;
  /** Path and query, as asked. */
  url: string;
  protocol: 'h1' | 'h2';
  userAgent: string;
  /** 0 while no response was sent. */
  status: number;
  bytes: number;
  /** -1 while the response is still going out. */
  durationMs: number;
}

export interface VcsHostOptions {
  address: string;
  port: number;
  /** Every name this code host answers for, with its certificate. */
  hosts: ReadonlyArray<{ name: string; certificate: KeyPairPem }>;
  /** The name git's URLs point at (the `go-import` tags name it). */
  gitHost: string;
  /**
   * The bare repositories and where they live (GIT_PROJECT_ROOT). While they are still being
   * built, requests wait for them (the host listens at once; runs that never fetch directly never wait).
   */
  content: Promise<VcsContent> | VcsContent;
}

export interface VcsContent {
  root: string;
  repos: readonly VcsRepo[];
}

type Request = IncomingMessage | http2.Http2ServerRequest;
type Response = ServerResponse | http2.Http2ServerResponse;

/** The HTML page `?go-get=1` is answered with: cmd/go reads only the go-import meta tag. */
function goImportPage(modulePath: string, repoUrl: string): string {
  return `<!DOCTYPE html>\n<html><head><meta name="go-import" content="${modulePath} git ${repoUrl}"></head><body>go get ${modulePath}</body></html>\n`;
}

/**
 * A code host of the fake internet: answers `?go-get=1` with the `go-import` tag of the module
 * (or of the repository holding the asked package), and serves the repositories over real git
 * smart HTTP by running Debian's `git http-backend` as a CGI per request. TLS with h2 and
 * http/1.1 by ALPN, as the hosts of the real internet.
 */
export class VcsHost {
  private readonly log: VcsRequestLogEntry[] = [];
  /** The zero of the log's atMs (performance.now() in this process). */
  readonly startedAt = performance.now();
  private server: http2.Http2SecureServer | undefined;
  private readonly sockets = new Set<tls.TLSSocket>();
  private readonly options: VcsHostOptions;

  constructor(options: VcsHostOptions) {
    this.options = options;
  }

  now(): number {
    return performance.now() - this.startedAt;
  }

  /** Requests since the last drain (entries still in flight keep updating). */
  drainLog(): VcsRequestLogEntry[] {
    return this.log.splice(0);
  }

  /** The code host has no faults of its own: the network's (DNS, SNI, WAN, proxy) reach it. */
  clearFaults(): void {}

  async start(): Promise<void> {
    const contexts = new Map(this.options.hosts.map((h) => [h.name, createSecureContext({ cert: h.certificate.certPem, key: h.certificate.keyPem })]));
    const first = this.options.hosts[0];
    if (!first) throw new Error('vcs host needs at least one name');
    const server = http2.createSecureServer({
      allowHTTP1: true,
      // as the origin: a large pack in flight on one h2 session must not trip ENHANCE_YOUR_CALM
      maxSessionMemory: 1024,
      cert: first.certificate.certPem,
      key: first.certificate.keyPem,
      SNICallback: (name, cb) => {
        const ctx = contexts.get(name.toLowerCase());
        if (ctx) cb(null, ctx);
        else cb(new Error(`vcs host has no certificate for ${name}`));
      },
    });
    server.on('secureConnection', (socket: tls.TLSSocket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('request', (req, res) => {
      // a client gone mid-answer (a killed go, a reset) must not take the host down
      this.handle(req as Request, res as Response).catch(() => (res as unknown as { destroy(): void }).destroy());
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.address, () => resolve());
    });
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The repository git asks for: served at this host, its URL path a prefix of the request's. */
  private gitRepo(repos: readonly VcsRepo[], host: string, path: string): VcsRepo | undefined {
    return repos.find((r) => (r.gitHost ?? this.options.gitHost) === host && path.startsWith(`/${r.urlPath}/`));
  }

  /** The repository holding this import path (the module itself or a package in it). */
  private static repoFor(repos: readonly VcsRepo[], importPath: string): VcsRepo | undefined {
    return repos.find((r) => importPath === r.modulePath || importPath.startsWith(`${r.modulePath}/`));
  }

  private async handle(req: Request, res: Response): Promise<void> {
    const host = (req.headers[':authority'] ?? req.headers.host ?? '').toString().replace(/:\d+$/, '').toLowerCase();
    const url = new URL(req.url ?? '/', 'https://vcs.invalid');
    const entry: VcsRequestLogEntry = {
      atMs: this.now(),
      host,
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      protocol: req.httpVersion === '2.0' ? 'h2' : 'h1',
      userAgent: String(req.headers['user-agent'] ?? ''),
      status: 0,
      bytes: 0,
      durationMs: -1,
    };
    this.log.push(entry);
    let path = url.pathname;
    try {
      path = decodeURIComponent(path);
    } catch {}
    const done = ({ status, bytes }: { status: number; bytes: number }) => {
      entry.status = status;
      entry.bytes = bytes;
      entry.durationMs = this.now() - entry.atMs;
    };
    let content: VcsContent;
    try {
      content = await this.options.content;
    } catch (err) {
      return done(this.text(res as unknown as Reply, 500, `repositories not built: ${err instanceof Error ? err.message : String(err)}\n`));
    }
    const { repos } = content;
    if (url.searchParams.get('go-get') === '1') return done(this.goGet(VcsHost.repoFor(repos, `${host}${path.replace(/\/$/, '')}`), res as unknown as Reply));
    const repo = this.gitRepo(repos, host, path);
    if (repo) {
      // http-backend finds the repository under GIT_PROJECT_ROOT by PATH_INFO: its folder and the rest of the path
      const pathInfo = `/${basename(repo.dir)}${path.slice(repo.urlPath.length + 1)}`;
      return done(await runGitHttpBackend(req, res, cgiEnvironment(req, pathInfo, url.search.slice(1), dirname(repo.dir))));
    }
    return done(this.text(res as unknown as Reply, 404, `not found: ${host}${path}\n`));
  }

  private goGet(repo: VcsRepo | undefined, res: Reply): { status: number; bytes: number } {
    if (!repo) return this.text(res, 404, 'no repository here\n');
    const body = goImportPage(repo.modulePath, `https://${repo.gitHost ?? this.options.gitHost}/${repo.urlPath}`);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return { status: 200, bytes: Buffer.byteLength(body) };
  }

  private text(res: Reply, status: number, body: string): { status: number; bytes: number } {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return { status, bytes: Buffer.byteLength(body) };
  }
}
