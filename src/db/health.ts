import { Client } from 'pg';

/**
 * The health check's own connection: `GET /health` must tell "the database is down" from "the
 * pool is busy", so it never waits in the pool's queue. PostgreSQL: one dedicated client, opened
 * on first use and reopened after a failure. Embedded: a statement straight to PGlite.
 */
export class HealthProbe {
  private client: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private closed = false;

  constructor(
    private readonly target: string | (() => Promise<void>),
    private readonly statementTimeoutMs?: number,
  ) {}

  async ping(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('health check timed out')), timeoutMs);
    });
    try {
      await Promise.race([this.run(), timeout]);
      return true;
    } catch {
      await this.reset();
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private async run(): Promise<void> {
    if (this.closed) throw new Error('closed');
    if (typeof this.target === 'function') return this.target();
    const client = await (this.connecting ??= this.open(this.target));
    await client.query('select 1');
  }

  private async open(url: string): Promise<Client> {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000, statement_timeout: this.statementTimeoutMs || 2_000, application_name: 'health' });
    client.on('error', () => void this.reset());
    try {
      await client.connect();
    } catch (err) {
      this.connecting = null;
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      throw new Error('closed');
    }
    this.client = client;
    return client;
  }

  private async reset(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.connecting = null;
    await client?.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = this.connecting;
    await this.reset();
    await pending?.then((c) => c.end()).catch(() => undefined);
  }
}
