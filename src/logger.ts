import pino, { Logger } from 'pino';
import type { AppConfig } from './config';

export type { Logger };

/** Structured JSON logs on stdout (pipe through pino-pretty for humans). */
export function createLogger(config: Pick<AppConfig, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'edu-disclosure-api' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]'], censor: '[redacted]' },
  });
}
