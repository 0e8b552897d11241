import { readFileSync } from 'node:fs';
import { HarnessError } from '../errors.ts';
import { RECORD_SCHEMA, type TrialRecord } from '../runner/record.ts';

export interface LoadedResults {
  records: TrialRecord[];
  /** Lines that could not be read, with their line numbers (a torn last line after a crash). */
  problems: string[];
}

export function readResults(path: string): LoadedResults {
  const records: TrialRecord[] = [];
  const problems: string[] = [];
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { records, problems };
  }
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let record: TrialRecord;
    try {
      record = JSON.parse(line) as TrialRecord;
    } catch {
      problems.push(`${path}:${index + 1}: not a complete JSON record; skipped`);
      return;
    }
    if (record?.schema !== RECORD_SCHEMA) {
      throw new HarnessError('BAD_INPUT', `${path}:${index + 1}: record schema ${JSON.stringify(record?.schema)} is not one this version reads (${RECORD_SCHEMA}): use the gomod-chaos version that wrote it`);
    }
    records.push(record);
  });
  return { records, problems };
}
