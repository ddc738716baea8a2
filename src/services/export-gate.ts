import { AppError } from '../shared/errors.js';

/** How long an export waits for a free slot before it is refused. */
const WAIT_MS = 30_000;

/**
 * Bounds the CSV exports running at once (DESIGN §9, bounded resources): at most `perActor` per person (more are
 * refused at once — one person cannot fill the server), at most `concurrency` in the process (more wait their turn
 * for up to 30 s). Each export is streamed, so a slot holds one page of rows at a time, not a whole tenant.
 */
export class ExportGate {
  private running = 0;
  private readonly byActor = new Map<string, number>();
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limits: { readonly concurrency: number; readonly perActor: number }) {}

  /**
   * Waits for a slot; returns its release (idempotent).
   * @throws {AppError} `export_busy` (429) when the person has `perActor` exports running, or no slot came free
   * within 30 s.
   */
  async acquire(actorKey: string): Promise<() => void> {
    const mine = this.byActor.get(actorKey) ?? 0;
    if (mine >= this.limits.perActor) {
      throw busy(
        `You have ${mine} export${mine === 1 ? '' : 's'} running already; wait until ${mine === 1 ? 'it has' : 'they have'} finished.`,
        5,
      );
    }
    this.byActor.set(actorKey, mine + 1);
    try {
      await this.slot();
    } catch (error) {
      this.leave(actorKey);
      throw error;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      this.leave(actorKey);
      this.waiting.shift()?.();
    };
  }

  private async slot(): Promise<void> {
    if (this.running < this.limits.concurrency) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.running++;
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(wake), 1);
        reject(busy('The server is busy with other exports; try again in a minute.', 60));
      }, WAIT_MS);
      this.waiting.push(wake);
    });
  }

  private leave(actorKey: string): void {
    const left = (this.byActor.get(actorKey) ?? 1) - 1;
    if (left <= 0) this.byActor.delete(actorKey);
    else this.byActor.set(actorKey, left);
  }
}

function busy(message: string, retryAfterSeconds: number): AppError {
  return new AppError('export_busy', message, {
    status: 429,
    retryable: true,
    details: { retryAfterSeconds },
  });
}
