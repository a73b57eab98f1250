/**
 * Progress on long runs: a bar on a terminal (files done / total, pages/s, errors, ETA), plain
 * log lines (one every few seconds and at the end) when stderr is not a terminal.
 */
import cliProgress from 'cli-progress';

/**
 * `auto`: a bar on a terminal, log lines otherwise; `json`: one JSON object per line (progress
 * every few seconds, and every message), for log collectors; `quiet`: messages only (failures);
 * `none`: nothing.
 */
export type ProgressMode = 'auto' | 'bar' | 'log' | 'json' | 'quiet' | 'none';

export interface Counts {
  done: number;
  skipped: number;
  failed: number;
  pages: number;
}

/** How one input ended: a structured event (`--log-format json`) and the text line of the other modes. */
export interface FileEvent {
  /** The input, readable (readablePath). */
  path: string;
  status: 'done' | 'skipped' | 'failed';
  /** A failure's kind (errors.ts), or why an input was skipped (`unchanged`, `same-content`, `failed-before`). */
  kind: string | null;
  reason: string | null;
  pages: number | null;
  ms: number | null;
}

export interface Progress {
  start(total: number): void;
  /** More inputs than counted at the start (a bundle's members). */
  grow(n: number): void;
  update(counts: Counts): void;
  /** A line that must not be garbled by the bar (a failure, say). */
  log(line: string): void;
  /**
   * An input ended: in JSON mode, one `{"event":"file", path, status, kind, reason, pages, ms}`
   * object for every input; otherwise the text line, when there is one to show.
   */
  file(event: FileEvent, line: string | null): void;
  stop(): void;
}

function rate(pages: number, startedAt: number): string {
  const s = (Date.now() - startedAt) / 1000;
  return s > 0 ? (pages / s).toFixed(1) : '0.0';
}

export function createProgress(mode: ProgressMode, stream: NodeJS.WriteStream = process.stderr): Progress {
  // A bar needs a terminal; elsewhere it would print its template: log lines instead.
  const resolved = mode === 'auto' || mode === 'bar' ? (stream.isTTY ? 'bar' : 'log') : mode;
  let startedAt = Date.now();
  let total = 0;
  if (resolved === 'none') return { start() {}, grow() {}, update() {}, log() {}, file() {}, stop() {} };
  if (resolved === 'quiet') {
    const log = (line: string) => stream.write(`${line}\n`);
    return { start() {}, grow() {}, update() {}, log, file: (e, line) => (e.status === 'failed' && line ? log(line) : undefined), stop() {} };
  }
  if (resolved === 'json') {
    let last = 0;
    let latest: Counts = { done: 0, skipped: 0, failed: 0, pages: 0 };
    const emit = (o: object) => stream.write(`${JSON.stringify({ at: new Date().toISOString(), ...o })}\n`);
    const print = () => emit({ event: 'progress', total, ...latest, pagesPerSec: Number(rate(latest.pages, startedAt)) });
    return {
      start(n) {
        total = n;
        startedAt = Date.now();
        last = Date.now();
        emit({ event: 'start', total });
      },
      grow(n) {
        total += n;
      },
      update(c) {
        latest = c;
        if (Date.now() - last >= 5000) {
          last = Date.now();
          print();
        }
      },
      log: (line) => emit({ event: 'log', message: line.replace(/^\[jixiao\] /, '') }),
      file: (e) => emit({ event: 'file', ...e }),
      stop: print,
    };
  }
  if (resolved === 'bar') {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: '{bar} {value}/{total} files | {pagesPerSec} pages/s | {failed} failed | ETA {eta_formatted}',
        hideCursor: true,
        etaBuffer: 50,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    return {
      start(n) {
        total = n;
        startedAt = Date.now();
        bar.start(n, 0, { pagesPerSec: '0.0', failed: 0 });
      },
      grow(n) {
        total += n;
        bar.setTotal(total);
      },
      update(c) {
        bar.update(c.done + c.skipped + c.failed, { pagesPerSec: rate(c.pages, startedAt), failed: c.failed });
      },
      log(line) {
        stream.write(`\r\x1b[2K${line}\n`);
        bar.render();
      },
      file(_e, line) {
        if (line) this.log(line);
      },
      stop() {
        bar.stop();
      },
    };
  }
  let last = 0;
  let latest: Counts = { done: 0, skipped: 0, failed: 0, pages: 0 };
  const print = () => {
    const n = latest.done + latest.skipped + latest.failed;
    const elapsed = (Date.now() - startedAt) / 1000;
    const eta = n > 0 && n < total ? Math.round((elapsed / n) * (total - n)) : 0;
    stream.write(
      `[jixiao] ${n}/${total} files (done ${latest.done}, skipped ${latest.skipped}, failed ${latest.failed}) | ${rate(latest.pages, startedAt)} pages/s | ETA ${eta}s\n`,
    );
  };
  return {
    start(n) {
      total = n;
      startedAt = Date.now();
      last = Date.now();
    },
    grow(n) {
      total += n;
    },
    update(c) {
      latest = c;
      if (Date.now() - last >= 5000) {
        last = Date.now();
        print();
      }
    },
    log(line) {
      stream.write(`${line}\n`);
    },
    file(_e, line) {
      if (line) stream.write(`${line}\n`);
    },
    stop() {
      print();
    },
  };
}
