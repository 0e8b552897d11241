// The waterfalls: one row per span of a chosen trial, on the trial's clock, faulted spans outlined.
import type { WaterfallTrial } from './data.ts';
import type { Span, SpanKind } from '../../trace/schema.ts';
import { fmtMs } from './format.ts';

const ROWS = 400;
const KIND_WORDS: Record<SpanKind, string> = { client: 'client (setup, go)', dns: 'DNS query / wait', connect: 'TCP connection (firewall)', tls: 'TLS handshake done', tunnel: 'CONNECT tunnel', request: 'HTTP request' };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Round tick steps: about six ticks over the axis. */
function ticksOf(maxMs: number): number[] {
  const raw = maxMs / 6;
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = 0; t <= maxMs; t += step) ticks.push(t);
  return ticks;
}

function spanTitle(s: Span): string {
  const args = Object.entries(s.args ?? {}).map(([k, v]) => `${k}: ${String(v)}`);
  const faults = s.faults?.length ? [`fault acted: ${s.faults.join(', ')}`] : [];
  return [`${s.name}`, `at ${fmtMs(s.startMs)}, for ${fmtMs(s.durMs)}${s.open ? ' (still open)' : ''}`, ...faults, ...args].join('\n');
}

function row(s: Span, axisMs: number): HTMLElement {
  const line = el('div', 'wf-row');
  line.dataset['kind'] = s.kind;
  line.dataset['startMs'] = String(s.startMs);
  line.dataset['durMs'] = String(s.durMs);
  if (s.faults?.length) line.dataset['faults'] = s.faults.join(', ');
  const label = el('span', 'wf-label', s.faults?.length ? `${s.name} ⚡ ${s.faults.join(', ')}` : s.name);
  label.title = s.name;
  const track = el('span', 'wf-track');
  const bar = el('span', `wf-bar k-${s.kind}${s.faults?.length ? ' fault' : ''}${s.open ? ' open' : ''}`);
  bar.style.left = `${(Math.max(0, s.startMs) / axisMs) * 100}%`;
  bar.style.width = `${(s.durMs / axisMs) * 100}%`;
  bar.title = spanTitle(s);
  track.append(bar);
  line.append(label, track);
  return line;
}

function axis(axisMs: number): HTMLElement {
  const line = el('div', 'wf-row');
  const scale = el('span', 'wf-axis');
  for (const t of ticksOf(axisMs)) {
    const tick = el('span', 'wf-tick', fmtMs(t));
    tick.style.left = `${(t / axisMs) * 100}%`;
    scale.append(tick);
  }
  line.append(el('span', 'wf-label', 'time since the trial clock started'), scale);
  return line;
}

function legend(): HTMLElement {
  const box = el('div', 'wf-legend note');
  for (const [kind, words] of Object.entries(KIND_WORDS)) {
    const item = el('span', '');
    item.append(el('i', `k-${kind}`), words);
    box.append(item);
  }
  return box;
}

function draw(slot: HTMLElement, w: WaterfallTrial): void {
  const t = w.trace;
  const spans = t.spans.slice(0, ROWS);
  const axisMs = Math.max(1, t.endMs, ...spans.map((s) => s.startMs + s.durMs));
  const outcome = `${t.outcome}${t.failureClass ? ` (${t.failureClass})` : ''}`;
  const head = el('div', 'wf-head', `${w.cell} · ${w.which} trial (trial ${t.trial}, rep ${t.rep}${t.phase ? `, ${t.phase}` : ''}): ${outcome}, go ran ${fmtMs(t.durationMs)}`);
  const left = t.spans.length - spans.length + t.droppedSpans;
  const parts: HTMLElement[] = [head, legend(), axis(axisMs), ...spans.map((s) => row(s, axisMs))];
  if (left > 0) parts.push(el('p', 'note wf-truncated', `${left} more span(s) not drawn (see gomod-chaos trace <dir> --trial ${t.trial}).`));
  if (!t.spans.length) parts.push(el('p', 'note', 'No span was recorded in this trial.'));
  slot.replaceChildren(...parts);
}

export function drawWaterfalls(): void {
  const data = document.getElementById('trace-data');
  if (!data?.textContent) return;
  const trials = JSON.parse(data.textContent) as WaterfallTrial[];
  for (const slot of document.querySelectorAll<HTMLElement>('.wf[data-wf]')) {
    const w = trials[Number(slot.dataset['wf'])];
    if (w) draw(slot, w);
  }
}
