import { plural } from '../shared/plural.js';

/** How far a fleet push is: done, failed, left, and the time left at the pace so far. */
export interface FleetProgressLine {
  readonly service: string;
  readonly done: number;
  readonly failed: number;
  readonly left: number;
  /** seconds, once one tenant is done */
  readonly etaSeconds?: number;
  /** the whole line, as the command line prints it */
  readonly text: string;
}

/** Counts tenants as they finish and reports at most every half second, and once at the end. */
export class FleetProgress {
  private done = 0;
  private failed = 0;
  private readonly started = Date.now();
  private last = 0;

  constructor(
    private readonly service: string,
    private readonly total: number,
    private readonly report?: (line: FleetProgressLine) => void,
  ) {}

  /** one tenant finished; `failed` when it failed or was refused */
  finished(failed: boolean): void {
    this.done++;
    if (failed) this.failed++;
    if (Date.now() - this.last >= 500) this.emit();
  }

  end(): void {
    if (this.total > 0) this.emit();
  }

  private emit() {
    this.last = Date.now();
    const left = this.total - this.done;
    const elapsed = (Date.now() - this.started) / 1000;
    const etaSeconds = this.done > 0 ? Math.round((elapsed / this.done) * left) : undefined;
    const eta = etaSeconds === undefined || left === 0 ? '' : `, about ${etaSeconds} s left`;
    const text =
      `${this.service}: ${this.done}/${plural(this.total, 'tenant')} pushed, ${this.failed} failed, ` +
      `${left} left${eta}`;
    this.report?.({ service: this.service, done: this.done, failed: this.failed, left, etaSeconds, text });
  }
}
