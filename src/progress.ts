/**
 * A one-line progress indicator for long runs, on stderr when it is a terminal: counts of
 * what is done ("2/5 workloads checked, 3 contracts read"), redrawn in place, erased at the
 * end. Nothing at all when the stream is not a TTY or with --quiet. The core takes the stream
 * as a parameter; only cli/ knows it is process.stderr.
 */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
}

export class Progress {
  private counts = new Map<string, { done: number; total?: number }>();
  private drawn = false;
  private readonly on: boolean;

  constructor(
    private readonly stream?: ProgressStream,
    opts: { quiet?: boolean } = {},
  ) {
    this.on = !!stream?.isTTY && !opts.quiet;
  }

  /** Set the total for a counter ("workloads checked" of 12). */
  total(what: string, n: number): void {
    const c = this.counts.get(what) ?? { done: 0 };
    this.counts.set(what, { ...c, total: n });
    this.draw();
  }

  /** One more of `what` done. */
  tick(what: string): void {
    const c = this.counts.get(what) ?? { done: 0 };
    this.counts.set(what, { ...c, done: c.done + 1 });
    this.draw();
  }

  /** Erase the line (call before the report is printed). */
  end(): void {
    if (this.on && this.drawn) this.stream!.write('\r\u001b[2K');
    this.drawn = false;
  }

  private draw(): void {
    if (!this.on) return;
    const parts = [...this.counts].map(([what, c]) => `${c.total !== undefined ? `${c.done}/${c.total}` : c.done} ${what}`);
    this.stream!.write(`\r\u001b[2Kkeydrift: ${parts.join(', ')}`);
    this.drawn = true;
  }
}
