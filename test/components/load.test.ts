import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderTemplate } from '../../src/components/template.ts';
import { planScenario } from '../../src/runner/plan.ts';
import { validateScenario } from '../../src/scenario/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'gomod-chaos-components-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'proxy.conf'), 'http_port {{listen.address}}:{{ listen.port }}\n');
const scenarioFile = join(dir, 'scenario.ts');
const squid = { name: 'squid', host: 'proxy.corp.example', role: 'connect-proxy', command: ['squid', '-N', '-f', '{{config}}'], config: './proxy.conf', ready: { tcp: 3128 } };

describe('component templates', () => {
  it('fills every {{name}} and names an unknown one with what is allowed', () => {
    expect(renderTemplate('listen {{ listen.port }} to {{edge}}', { 'listen.port': '8080', edge: '127.0.1.1' }, 'x')).toBe('listen 8080 to 127.0.1.1');
    expect(() => renderTemplate('{{upstream.proxy}}', { 'upstream.goproxy': 'https://p' }, 'component squid: squid.conf')).toThrow(
      'component squid: squid.conf: unknown template variable {{upstream.proxy}}; allowed: {{upstream.goproxy}}',
    );
  });
});

describe('scenario components and phases', () => {
  it('reads the config relative to the scenario file and gives each component its own address and role port', () => {
    const s = validateScenario({ name: 's', components: [squid, { ...squid, name: 'nginx', role: 'mirror', config: join(dir, 'proxy.conf'), ready: { http: '/' } }] }, scenarioFile);
    expect(s.components.map((c) => [c.name, c.address, c.port, c.config?.fileName])).toEqual([
      ['squid', '127.0.10.1', 3128, 'proxy.conf'],
      ['nginx', '127.0.10.2', 8080, 'proxy.conf'],
    ]);
    expect(s.components[0]!.config!.text).toContain('{{listen.address}}');
  });

  it('a missing config file, a second component of a role and a bad role are one-line errors naming the field', () => {
    expect(() => validateScenario({ name: 's', components: [{ ...squid, config: './nope.conf' }] }, scenarioFile)).toThrow(/components\[0\]\.config: got "\.\/nope\.conf"; allowed: a config file relative to the scenario file or absolute \(.*nope\.conf does not exist\)/);
    expect(() => validateScenario({ name: 's', components: [squid, { ...squid, name: 'squid2' }] }, scenarioFile)).toThrow(/components\[1\]\.role: got "connect-proxy"; allowed: one component per role/);
    expect(() => validateScenario({ name: 's', components: [{ ...squid, role: 'firewall' }] }, scenarioFile)).toThrow(/components\[0\]\.role: got "firewall"; allowed: one of "connect-proxy", "mirror", "resolver", "sni-gateway"/);
  });

  it("a 'component' mitigation wires its component in its own cell only; unknown components, gateways and warm-ups of non-resolvers are one-line errors", () => {
    const dnsmasq = { ...squid, name: 'dnsmasq', role: 'resolver', ready: { dns: 'a.corp.example' } };
    const s = validateScenario({ name: 's', components: [squid, dnsmasq], mitigations: [{ name: 'component', component: 'dnsmasq', warmUp: true }] }, scenarioFile);
    expect(s.mitigations.map((m) => m.name)).toEqual(['baseline', 'component(dnsmasq,warm-up)']);
    expect(s.components.map((c) => [c.name, c.perCell ?? false])).toEqual([['squid', false], ['dnsmasq', true]]);
    const bad = (component: string, warmUp?: boolean, role = 'resolver') =>
      validateScenario({ name: 's', components: [{ ...dnsmasq, role }], mitigations: [{ name: 'component', component, ...(warmUp ? { warmUp } : {}) }] }, scenarioFile);
    expect(() => bad('unbound')).toThrow(/mitigations: component\(unbound\): got component "unbound"; allowed: .*\["dnsmasq"\]/);
    expect(() => bad('dnsmasq', false, 'sni-gateway')).toThrow(/got the sni-gateway dnsmasq; allowed: a resolver, connect-proxy or mirror/);
    expect(() => bad('dnsmasq', true, 'mirror')).toThrow(/warmUp: true; allowed: only for a resolver \(dnsmasq is the mirror\)/);
    expect(() => validateScenario({ name: 's', components: [dnsmasq], mitigations: ['component'] }, scenarioFile)).toThrow(/mitigations: "component": got component ""/);
  });

  it('phases run in their order, cells shuffled within each; the first resets by default, later ones keep the state', () => {
    const s = validateScenario({ name: 's', mitigations: ['http2-off'], components: [squid], phases: [{ name: 'cold' }, { name: 'warm', reps: 1 }, { name: 'down', faults: [{ kind: 'tcp-down', match: '$goproxy' }] }] }, scenarioFile);
    expect(s.phases.map((p) => [p.name, p.reset, p.faults.length])).toEqual([['cold', 'each-trial', 0], ['warm', 'none', 0], ['down', 'none', 1]]);
    const plan = planScenario(s, ['go1.26.8'], 3, 7);
    expect(plan.map((t) => t.phase)).toEqual([...Array(6).fill('cold'), ...Array(2).fill('warm'), ...Array(6).fill('down')]);
    expect(plan.map((t) => t.trial)).toEqual([...plan.keys()]);
  });
});
