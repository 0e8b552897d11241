import { availableParallelism, loadavg } from 'node:os';

/** The machine's load during a run (run.json `load`): what else competed for the cores. */
export interface LoadSummary {
  cores: number;
  everySec: number;
  samples: number;
  /** 1-minute load averages over the run (the first sample is taken at the start). */
  medianLoad1: number;
  maxLoad1: number;
}

const EVERY_MS = 5_000;

/** Samples os.loadavg() every 5 s from construction until summary(). */
export class LoadSampler {
  private readonly load1: number[] = [loadavg()[0]!];
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => this.load1.push(loadavg()[0]!), EVERY_MS);
    this.timer.unref();
  }

  summary(): LoadSummary {
    clearInterval(this.timer);
    const sorted = [...this.load1].sort((a, b) => a - b);
    const round = (x: number) => Math.round(x * 100) / 100;
    return { cores: availableParallelism(), everySec: EVERY_MS / 1000, samples: sorted.length, medianLoad1: round(sorted[Math.floor(sorted.length / 2)]!), maxLoad1: round(sorted.at(-1)!) };
  }
}
