/**
 * The one seam through which the benchmark obtains a credential for the API (writes need one once
 * authentication is on). Today: `BENCH_TOKEN` is sent as a bearer token, `BENCH_API_KEY` as
 * `x-api-key`; with neither, requests go without credentials. Replace the body of this function to
 * obtain a token another way (e.g. a login mutation against `url`).
 */
export async function benchHeaders(_url: string): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  if (process.env.BENCH_TOKEN) headers.authorization = `Bearer ${process.env.BENCH_TOKEN}`;
  if (process.env.BENCH_API_KEY) headers['x-api-key'] = process.env.BENCH_API_KEY;
  return headers;
}
