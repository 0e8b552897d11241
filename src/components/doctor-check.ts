import { spawnSync } from 'node:child_process';

/** The programs of scenarios/real/ and the Debian packages that bring them. */
const PROGRAMS = [
  ['squid', 'squid-openssl'],
  ['nginx', 'nginx-light'],
  ['haproxy', 'haproxy'],
  ['dnsmasq', 'dnsmasq-base'],
  ['unbound', 'unbound'],
] as const;

function onPath(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;
}

/** `doctor`: which real programs the shipped component examples can start (none is required). */
export function realSoftwareCheck(): { name: string; status: 'ok' | 'warn'; detail: string; fix?: string; required: false } {
  const missing = PROGRAMS.filter(([program]) => !onPath(program));
  const found = PROGRAMS.filter(([program]) => onPath(program)).map(([program]) => program);
  if (missing.length === 0) return { name: 'real-software', status: 'ok', detail: `${found.join(', ')} (scenarios/real/)`, required: false };
  return {
    name: 'real-software',
    status: 'warn',
    detail: `missing ${missing.map(([p]) => p).join(', ')}${found.length ? `; found ${found.join(', ')}` : ''} (only scenarios/real/ needs them)`,
    fix: `apt-get install --no-install-recommends ${missing.map(([, pkg]) => pkg).join(' ')}`,
    required: false,
  };
}
