import { mintToken } from '../src/auth/tokens';

/**
 * The one seam through which the benchmark obtains a credential for its writes. `BENCH_TOKEN` is
 * sent as a bearer token, `BENCH_API_KEY` as `x-api-key`. With neither, and a server the bench
 * started itself (whose token secret it chose), it mints a short-lived token of an ADMIN of the
 * tenant's province unit. Against a server it did not start, with neither variable, writes go
 * without credentials and are refused.
 */
export async function benchHeaders(_url: string, own?: { secret: string; tenant: number }): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  if (process.env.BENCH_TOKEN) headers.authorization = `Bearer ${process.env.BENCH_TOKEN}`;
  if (process.env.BENCH_API_KEY) headers['x-api-key'] = process.env.BENCH_API_KEY;
  if (!Object.keys(headers).length && own) {
    const token = await mintToken(own.secret, { sub: 'bench', tenant: String(own.tenant), unit: String(own.tenant), roles: ['ADMIN'] }, { expiresIn: '6h' });
    headers.authorization = `Bearer ${token}`;
  }
  return headers;
}
