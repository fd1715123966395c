/** A one-line terminal progress bar with rate and ETA (plain lines when not a TTY, e.g. in CI). */
export class ProgressBar {
  private readonly start = performance.now();
  private lastPrint = 0;
  private readonly tty = Boolean(process.stdout.isTTY);

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit = 'it',
  ) {}

  update(done: number, fields: Record<string, string> = {}): void {
    const now = performance.now();
    const finished = done >= this.total;
    // Redraw at most 10 times a second on a TTY, every 10% otherwise.
    if (this.tty ? now - this.lastPrint < 100 && !finished : !finished && Math.floor((done * 10) / this.total) === Math.floor(((done - 1) * 10) / this.total)) return;
    this.lastPrint = now;
    const elapsed = (now - this.start) / 1000;
    const rate = done / Math.max(elapsed, 1e-9);
    const eta = rate > 0 ? (this.total - done) / rate : Infinity;
    const width = 24;
    const filled = Math.round((width * done) / this.total);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const extra = Object.entries(fields).map(([k, v]) => `${k} ${v}`).join('  ');
    const line = `${this.label} ${bar} ${done}/${this.total} ${this.unit}  ${rate.toFixed(1)} ${this.unit}/s  ETA ${formatSeconds(eta)}  ${extra}`;
    if (this.tty) process.stdout.write(`\r${line}\x1b[K${finished ? '\n' : ''}`);
    else console.log(line);
  }
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
