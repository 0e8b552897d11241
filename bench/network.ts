/**
 * npm run bench:network — what the SNI firewall and the CONNECT proxy cost, against a direct
 * loopback connection measured in the same run, interleaved:
 *  - connection setup: connect, send a ClientHello, get the first byte back (median of N);
 *  - throughput: stream BENCH_MB megabytes from the upstream through the path (median of reps).
 * The component runs in a process of its own, as in a real run. Prints medians and ratios.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { parseClientHello } from '../src/firewall/client-hello.ts';
import { quantile } from '../src/stats/tests.ts';

const median = (values: readonly number[]) => quantile(values, 0.5);

const SETUPS = Number(process.env['BENCH_SETUPS'] ?? 300);
const STREAM_MB = Number(process.env['BENCH_MB'] ?? 512);
const STREAM_REPS = Number(process.env['BENCH_STREAM_REPS'] ?? 5);
const basePort = 41_000 + Math.floor(Math.random() * 5_000);
const ports = { upstream: basePort, firewall: basePort + 1, proxy: basePort + 2, dns: basePort + 3 };

/** A real ClientHello for bench.example, captured from node's TLS client. */
async function captureHello(): Promise<Buffer> {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => {
      let buffered = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        if (parseClientHello(buffered).state === 'ok') {
          socket.destroy();
          server.close();
          resolve(buffered);
        }
      });
    });
    server.listen(0, '127.0.0.1', () => {
      const client = tls.connect({ host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, servername: 'bench.example', rejectUnauthorized: false });
      client.on('error', () => {});
    });
  });
}

/**
 * The upstream: reads the hello (or anything), then answers one byte ('setup' mode) or streams
 * the requested megabytes ('stream' mode), chosen by the first byte after the hello.
 */
function startUpstream(helloBytes: number): Promise<net.Server> {
  const chunk = Buffer.alloc(64 * 1024, 7);
  const server = net.createServer({ noDelay: true }, (socket) => {
    let seen = 0;
    socket.on('error', () => {});
    socket.on('data', (data: Buffer) => {
      const before = seen;
      seen += data.length;
      if (before < helloBytes + 1 && seen >= helloBytes + 1) {
        const mode = data[helloBytes - before];
        if (mode === 0x53 /* S */) socket.end('k');
        else {
          let left = STREAM_MB * 1024 * 1024;
          const pump = () => {
            while (left > 0) {
              left -= chunk.length;
              if (!socket.write(chunk)) return socket.once('drain', pump);
            }
            socket.end();
          };
          pump();
        }
      }
    });
  });
  return new Promise((resolve) => server.listen(ports.upstream, '127.0.0.1', () => resolve(server)));
}

type Path = 'direct' | 'firewall' | 'proxy';

/** Opens a connection along a path; resolves once bytes can be sent to the upstream. */
function open(path: Path): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const port = path === 'direct' ? ports.upstream : path === 'firewall' ? ports.firewall : ports.proxy;
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    socket.once('error', reject);
    socket.once('connect', () => {
      if (path !== 'proxy') return resolve(socket);
      socket.write(`CONNECT bench.example:${ports.upstream} HTTP/1.1\r\nHost: bench.example:${ports.upstream}\r\n\r\n`);
      let head = '';
      const onData = (d: Buffer) => {
        head += d.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        socket.off('data', onData);
        if (!head.startsWith('HTTP/1.1 200')) return reject(new Error(`proxy said ${head.split('\r\n')[0]}`));
        resolve(socket);
      };
      socket.on('data', onData);
    });
  });
}

async function setupMs(path: Path, hello: Buffer): Promise<number> {
  const t0 = performance.now();
  const socket = await open(path);
  return new Promise((resolve, reject) => {
    socket.once('data', () => {
      resolve(performance.now() - t0);
      socket.destroy();
    });
    socket.once('error', reject);
    socket.write(Buffer.concat([hello, Buffer.from('S')]));
  });
}

async function throughputMBps(path: Path, hello: Buffer): Promise<number> {
  const socket = await open(path);
  return new Promise((resolve, reject) => {
    let bytes = 0;
    let t0 = 0;
    socket.on('data', (d: Buffer) => {
      if (bytes === 0) t0 = performance.now();
      bytes += d.length;
    });
    socket.once('end', () => resolve(bytes / 1024 / 1024 / ((performance.now() - t0) / 1000)));
    socket.once('error', reject);
    socket.write(Buffer.concat([hello, Buffer.from('T')]));
  });
}

function startComponent(component: 'firewall' | 'proxy'): Promise<() => void> {
  const script = fileURLToPath(new URL('./component-host.ts', import.meta.url));
  const port = component === 'firewall' ? ports.firewall : ports.proxy;
  const child = spawn(process.execPath, [script, JSON.stringify({ component, port, upstreamPort: ports.upstream, dnsPort: ports.dns + (component === 'proxy' ? 1 : 0) })], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${component} host exited with ${code}`)));
    child.stdout!.once('data', () => resolve(() => child.stdin!.end()));
  });
}

const hello = await captureHello();
const upstream = await startUpstream(hello.length);
const stops = [await startComponent('firewall'), await startComponent('proxy')];
try {
  const paths: Path[] = ['direct', 'firewall', 'proxy'];
  const setups: Record<Path, number[]> = { direct: [], firewall: [], proxy: [] };
  for (let i = 0; i < 20; i++) for (const p of paths) await setupMs(p, hello); // warm-up
  for (let i = 0; i < SETUPS; i++) for (const p of paths) setups[p].push(await setupMs(p, hello));
  const rates: Record<Path, number[]> = { direct: [], firewall: [], proxy: [] };
  for (let i = 0; i < STREAM_REPS; i++) for (const p of paths) rates[p].push(await throughputMBps(p, hello));

  const d = median(setups.direct)!;
  const lines = [
    `gomod-chaos network benchmark: ${SETUPS} connection setups and ${STREAM_REPS} x ${STREAM_MB} MB per path, interleaved`,
    '',
    'path       setup median   added vs direct   throughput median',
  ];
  for (const p of paths) {
    const s = median(setups[p])!;
    lines.push(`${p.padEnd(10)} ${s.toFixed(3).padStart(8)} ms   ${p === 'direct' ? '         -' : `${(s - d).toFixed(3).padStart(7)} ms`}     ${median(rates[p])!.toFixed(0).padStart(6)} MB/s`);
  }
  lines.push('', 'targets: added setup <= 1 ms median; throughput >= 500 MB/s');
  process.stdout.write(lines.join('\n') + '\n');
} finally {
  for (const stop of stops) stop();
  upstream.close();
}
