// Structured logs of the server: levels, a message, and the ids that locate it (room,
// participant, identity, track, ...). Two renderings of the same record:
//   text (default, for a terminal): 06:21:03.123 INFO  participant joined room=demo participant=PA_x identity=alice
//   json (--log-format json, for collectors): {"ts":"2026-12-07T06:21:03.123Z","level":"info","msg":"participant joined","room":"demo",...}
// Startup banner lines (line()) stay as they are in text and become info records in json.
// Main thread only: nothing here is called per packet.
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'text' | 'json';
export type LogFields = Record<string, string | number | boolean | undefined>;

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
export const LOG_LEVELS = Object.keys(RANK) as LogLevel[];

export interface LoggerOptions {
  format?: LogFormat;
  /** Records below it are skipped (default info). */
  level?: LogLevel;
  /** Where finished lines go (default console.log). */
  write?: (line: string) => void;
  nowMs?: () => number;
}

// Values with spaces, quotes, '=' or control characters are quoted (JSON string rules),
// so one record is always one parseable line.
const PLAIN = /^[^\s"=\\\u0000-\u001f\u007f]*$/;
const textValue = (v: string | number | boolean): string => (typeof v === 'string' && !PLAIN.test(v) ? JSON.stringify(v) : String(v));

export class Logger {
  readonly format: LogFormat;
  readonly level: LogLevel;
  readonly #write: (line: string) => void;
  readonly #now: () => number;
  readonly #base: LogFields;

  constructor(o: LoggerOptions = {}, base: LogFields = {}) {
    this.format = o.format ?? 'text';
    this.level = o.level ?? 'info';
    this.#write = o.write ?? ((l) => console.log(l));
    this.#now = o.nowMs ?? Date.now;
    this.#base = base;
  }

  /** A logger that adds `fields` to every record (e.g. { room }). */
  child(fields: LogFields): Logger {
    return new Logger({ format: this.format, level: this.level, write: this.#write, nowMs: this.#now }, { ...this.#base, ...fields });
  }

  enabled(level: LogLevel): boolean { return RANK[level] >= RANK[this.level]; }

  debug(msg: string, fields?: LogFields): void { this.log('debug', msg, fields); }
  info(msg: string, fields?: LogFields): void { this.log('info', msg, fields); }
  warn(msg: string, fields?: LogFields): void { this.log('warn', msg, fields); }
  error(msg: string, fields?: LogFields): void { this.log('error', msg, fields); }

  log(level: LogLevel, msg: string, fields?: LogFields): void {
    if (!this.enabled(level)) return;
    const all: LogFields = { ...this.#base, ...fields };
    const t = new Date(this.#now());
    if (this.format === 'json') {
      const rec: Record<string, unknown> = { ts: t.toISOString(), level, msg };
      for (const [k, v] of Object.entries(all)) if (v !== undefined && !(k in rec)) rec[k] = v;
      this.#write(JSON.stringify(rec));
      return;
    }
    let line = `${t.toISOString().slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${msg.replace(/[\u0000-\u001f\u007f]/g, ' ')}`;
    for (const [k, v] of Object.entries(all)) if (v !== undefined) line += ` ${k}=${textValue(v)}`;
    this.#write(line);
  }

  /** A startup/banner line: as is in text, an info record in json (blank lines dropped there). */
  line(text: string): void {
    if (this.format === 'text') { this.#write(text); return; }
    if (text.trim()) this.log('info', text.trim());
  }
}
