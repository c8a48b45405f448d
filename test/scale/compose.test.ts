import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * docker-compose.yml as `docker-compose config` reads it (no Docker engine is needed to validate):
 * PostgreSQL, Redis, two API replicas sharing them, and one address in front. `.ci/run` installs
 * docker-compose where it is missing; elsewhere the file is skipped.
 */
const ROOT = join(__dirname, '../..');
const available = spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0;

(available ? describe : describe.skip)('docker-compose.yml', () => {
  test('is valid and runs two API replicas on Redis behind one address', () => {
    const out = execFileSync('docker-compose', ['--compatibility', 'config'], { cwd: ROOT, encoding: 'utf8' });
    const service = (name: string) => {
      const m = new RegExp(`^  ${name}:\\n((?:    .*\\n|\\s*\\n)*)`, 'm').exec(out);
      if (!m) throw new Error(`no service ${name} in:\n${out}`);
      return m[1];
    };
    const api = service('api');
    expect(api).toMatch(/replicas: 2|scale: 2/);
    expect(api).toMatch(/REDIS_URL: redis:\/\/redis:6379/);
    expect(api).toMatch(/DATABASE_URL: postgresql:\/\/.*@db:5432\//);
    expect(api).toMatch(/TRUST_PROXY: 'true'|TRUST_PROXY: "true"|TRUST_PROXY: true/);
    expect(api).not.toMatch(/published: 4000|4000:4000/);
    expect(service('redis')).toMatch(/image: redis/);
    const lb = service('lb');
    expect(lb).toMatch(/published: 4000|4000:4000/);
    expect(lb).toMatch(/nginx\.conf/);
  });
});
