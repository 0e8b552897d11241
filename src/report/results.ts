import { readFileSync } from 'node:fs';
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
    try {
      const record = JSON.parse(line) as TrialRecord;
      if (record.schema !== RECORD_SCHEMA) problems.push(`${path}:${index + 1}: schema ${String(record.schema)} is not ${RECORD_SCHEMA}; skipped`);
      else records.push(record);
    } catch {
      problems.push(`${path}:${index + 1}: not a complete JSON record; skipped`);
    }
  });
  return { records, problems };
}
