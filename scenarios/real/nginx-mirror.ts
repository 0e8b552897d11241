import { resolve } from 'node:path';
import { defineScenario } from 'gomod-chaos';

/**
 * The team's internal GOPROXY is a real nginx caching the public module proxy (proxy_cache,
 * proxy_cache_use_stale error timeout); go uses GOPROXY=http://<nginx>. Phases keep nginx's cache:
 * cold (emptied before each trial) fetches through the WAN's latency, warm is served from the
 * cache, upstream-down (the public proxy unreachable) still succeeds from what is cached, and
 * cold-upstream-down (empty cache, upstream unreachable) fails with 502 from nginx.
 */
export default defineScenario({
  name: 'real-nginx-mirror',
  description: 'A real nginx caching module mirror. Cold: slow (WAN latency); warm: fast; upstream down: served from the cache; empty cache and upstream down: 502.',
  corpus: { modules: 6 },
  faults: [{ kind: 'tcp-latency', latency: '150ms', match: '$goproxy' }],
  components: [
    {
      name: 'nginx',
      host: 'goproxy.corp.example',
      role: 'mirror',
      command: ['nginx', '-p', '{{dir}}', '-c', '{{config}}'],
      // the regression gate in the README runs a second version of the config (a path from
      // the current directory): GOMOD_CHAOS_NGINX_CONF=scenarios/real/nginx-mirror-simplified.conf
      config: process.env['GOMOD_CHAOS_NGINX_CONF'] ? resolve(process.env['GOMOD_CHAOS_NGINX_CONF']) : './nginx-mirror.conf',
      ready: { http: '/healthz' },
    },
  ],
  phases: [
    { name: 'cold', reset: 'each-trial' },
    { name: 'warm' },
    { name: 'upstream-down', faults: [{ kind: 'tcp-down', match: '$goproxy' }] },
    { name: 'cold-upstream-down', reset: 'each-trial', faults: [{ kind: 'tcp-down', match: '$goproxy' }] },
  ],
  reps: 3,
  timeout: '60s',
});
