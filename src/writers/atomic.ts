/**
 * Atomic file writes: content goes to a temporary file beside the target, which is renamed
 * over it only once complete, so a killed run never leaves a partial output behind.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';

let counter = 0;
export function tempName(target: string): string {
  return `${target}.tmp-${process.pid}-${Date.now()}-${counter++}`;
}

export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempName(target);
  try {
    await writeFile(tmp, data);
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** A write stream to a temporary file; `commit()` renames it over the target, `abort()` drops it. */
export class AtomicStream {
  readonly stream: WriteStream;
  private readonly tmp: string;
  /** The stream's error (a full disk, say), raised by the next write or the commit. */
  private failed: Error | null = null;
  constructor(private readonly target: string) {
    this.tmp = tempName(target);
    this.stream = createWriteStream(this.tmp);
    this.stream.on('error', (err) => (this.failed ??= err));
  }
  /** Writes a chunk, waiting for the stream to drain when its buffer is full. */
  async write(chunk: string): Promise<void> {
    if (this.failed) throw this.failed;
    if (!this.stream.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          this.stream.off('drain', done);
          this.stream.off('error', done);
          this.failed ? reject(this.failed) : resolve();
        };
        this.stream.once('drain', done);
        this.stream.once('error', done);
      });
    }
  }
  async commit(): Promise<void> {
    if (this.failed) throw this.failed;
    this.stream.end();
    await finished(this.stream);
    await rename(this.tmp, this.target);
  }
  async abort(): Promise<void> {
    this.stream.destroy();
    await rm(this.tmp, { force: true });
  }
}
