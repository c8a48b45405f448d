import pino, { Logger } from 'pino';
import type { AppConfig } from './config';
import { REDACT_PATHS, safeError } from './log-redact';

export type { Logger };

/** Structured JSON logs on stdout (pipe through pino-pretty for humans). */
export function createLogger(config: Pick<AppConfig, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    base: { service: 'edu-disclosure-api' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Credentials, SQL parameters and personal fields, in every line, errors included (src/log-redact.ts).
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: safeError },
  };
  return destination ? pino(options, destination) : pino(options);
}
