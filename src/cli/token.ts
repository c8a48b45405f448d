import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { mintToken } from '../auth/tokens';
import { ROLES, Role } from '../auth/principal';

/**
 * `npm run token -- --tenant 430000 --unit 430100 --roles EDITOR,REVIEWER [--sub alice] [--ttl 8h]`:
 * prints a staff token signed with AUTH_JWT_SECRET (development and scripts; production tokens come
 * from the identity provider). Send it as `Authorization: Bearer <token>`.
 */
/** `90`, `90s`, `30m`, `8h`, `1d` in seconds; null when malformed. */
function ttlSeconds(ttl: string): number | null {
  const m = /^(\d+)\s*(s|m|h|d)?$/.exec(ttl.trim());
  if (!m) return null;
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
}

function main(): void {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      unit: { type: 'string' },
      roles: { type: 'string', default: 'VIEWER' },
      sub: { type: 'string', default: 'dev' },
      ttl: { type: 'string', default: '8h' },
    },
  });
  const config = loadConfig();
  const usage = 'usage: npm run token -- --tenant <province code> [--unit <unit code>] [--roles VIEWER,EDITOR,REVIEWER,ADMIN] [--sub <user>] [--ttl 8h]';
  if (!config.auth.jwtSecret) {
    process.stderr.write('AUTH_JWT_SECRET is not set: the server verifies tokens with it, so set the same value here.\n');
    process.exit(64);
  }
  if (!values.tenant || !/^\d{6}$/.test(values.tenant)) {
    process.stderr.write(usage + '\n');
    process.exit(64);
  }
  // The server refuses a token that lives longer than AUTH_TOKEN_MAX_LIFETIME_S: say so here.
  const ttl = ttlSeconds(values.ttl!);
  if (ttl === null || ttl <= 0 || ttl > config.limits.tokenMaxLifetimeS) {
    process.stderr.write(`--ttl must be a duration like 30m, 8h or 3600 (seconds), at most AUTH_TOKEN_MAX_LIFETIME_S = ${config.limits.tokenMaxLifetimeS} s; got "${values.ttl}"\n`);
    process.exit(64);
  }
  const roles = values.roles!.split(',').map((r) => r.trim().toUpperCase());
  const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (bad.length) {
    process.stderr.write(`unknown role ${bad.join(', ')}; roles: ${ROLES.join(', ')}\n`);
    process.exit(64);
  }
  mintToken(
    config.auth.jwtSecret,
    { sub: values.sub!, tenant: values.tenant, unit: values.unit ?? values.tenant, roles: roles as Role[] },
    { expiresIn: `${ttl}s`, issuer: config.auth.issuer, audience: config.auth.audience },
  ).then((token) => process.stdout.write(token + '\n'));
}

main();
