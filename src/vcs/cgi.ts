import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

/** What both response kinds (http/1.1 and the h2 compatibility API) share, as this module uses it. */
export interface Reply {
  readonly headersSent: boolean;
  writeHead(status: number, headers: Record<string, string | number>): unknown;
  write(chunk: Buffer): boolean;
  end(chunk?: string | Buffer): unknown;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

/** The CGI environment (RFC 3875) git http-backend reads, for one request to a repository under `projectRoot`. */
export function cgiEnvironment(req: Request, pathInfo: string, query: string, projectRoot: string): Record<string, string> {
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(', ') : v;
  };
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: '/nonexistent',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    REQUEST_METHOD: req.method ?? 'GET',
    PATH_INFO: pathInfo,
    QUERY_STRING: query,
    REMOTE_ADDR: req.socket?.remoteAddress ?? '',
  };
  const optional: Array<[string, string | undefined]> = [
    ['CONTENT_TYPE', header('content-type')],
    // absent with a chunked body: http-backend then reads to EOF
    ['CONTENT_LENGTH', header('content-length')],
    ['HTTP_CONTENT_ENCODING', header('content-encoding')],
    // protocol v2 is asked for with the Git-Protocol header
    ['GIT_PROTOCOL', header('git-protocol')],
    ['HTTP_USER_AGENT', header('user-agent')],
  ];
  for (const [name, value] of optional) if (value !== undefined) env[name] = value;
  return env;
}

/** Splits a CGI response's header block into a status and headers. */
function parseCgiHeaders(block: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'status') status = Number.parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers };
}

function headerEnd(buffer: Buffer): { at: number; length: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, length: 4 };
  return lf >= 0 ? { at: lf, length: 2 } : undefined;
}

/**
 * Runs `git http-backend` for one request: the request body goes to its stdin, its CGI headers
 * become the response's status and headers, the rest streams out. Resolves with the status and
 * body bytes sent; a backend that dies before its headers is a 502.
 */
export function runGitHttpBackend(req: Request, response: Response, env: Record<string, string>): Promise<{ status: number; bytes: number }> {
  const res = response as unknown as Reply;
  return new Promise((resolve) => {
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let head: Buffer = Buffer.alloc(0);
    let status = 0;
    let bytes = 0;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    req.pipe(child.stdin);
    child.stdin.on('error', () => {});
    child.stdout.on('data', (chunk: Buffer) => {
      if (status === 0) {
        head = Buffer.concat([head, chunk]);
        const end = headerEnd(head);
        if (!end) return;
        const parsed = parseCgiHeaders(head.subarray(0, end.at).toString('latin1'));
        status = parsed.status;
        res.writeHead(status, parsed.headers);
        chunk = head.subarray(end.at + end.length);
      }
      bytes += chunk.length;
      // backpressure: git waits while the client reads slowly
      if (!res.write(chunk)) {
        child.stdout.pause();
        res.once('drain', () => child.stdout.resume());
      }
    });
    const finish = () => {
      if (status === 0) {
        status = 502;
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`git http-backend failed: ${stderr.trim()}\n`);
      } else res.end();
      resolve({ status, bytes });
    };
    child.on('close', finish);
    child.on('error', (err) => {
      stderr += err.message;
    });
    res.on('close', () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
  });
}
