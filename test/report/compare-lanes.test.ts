import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareReports } from '../../src/commands/compare.ts';

/** `compare` of two separate runs says when they ran at different lane counts (lanes shift medians). */
describe('compare across lane counts', () => {
  it('names the two lane counts when they differ, and says nothing when they are equal', async () => {
    const report = JSON.parse(readFileSync(new URL('../../reports/evidence/report.json', import.meta.url), 'utf8'));
    const dir = await mkdtemp(join(tmpdir(), 'compare-lanes-'));
    const at = (parallel: number | undefined) => {
      const file = join(dir, `report-${parallel ?? 'none'}.json`);
      const run = { ...report.run, lanes: parallel === undefined ? undefined : { ...report.run.lanes, parallel } };
      writeFileSync(file, JSON.stringify({ ...report, run }));
      return file;
    };
    const differing = compareReports([at(undefined), at(6)], { allowInconclusive: true });
    expect(differing.text).toContain('different lane counts: the base ran 1 trial(s) at once, the candidate 6;');
    expect(compareReports([at(6), at(6)], { allowInconclusive: true }).text).not.toContain('different lane counts');
  });
});
