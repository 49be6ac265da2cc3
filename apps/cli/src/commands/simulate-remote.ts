import { ApiClient, ApiError, routes } from '@bulkhead/contracts';
import { NetpolError, parseDocuments, simulationAnswerJson } from '@bulkhead/netpol';
import { type CliIo, type ParsedArgs, UsageError } from '../command';

function single(args: ParsedArgs, name: string): string | undefined {
  const values = args.options.get(name);
  if (values && values.length > 1) throw new UsageError(`--${name} is given ${values.length} times`);
  return values?.[0];
}

/** The API's address, as given to --api: an http or https URL. */
function apiBase(given: string): URL {
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new UsageError(`--api ${JSON.stringify(given)} is not a URL (e.g. http://127.0.0.1:3000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--api must be an http or https URL, not ${url.protocol}`);
  return url;
}

/** The probes of FILE: a document `{"probes": [...]}`, as `bulkhead simulate FILE` takes them less the snapshot. */
function probesOf(file: string, text: string): unknown[] {
  const documents = parseDocuments(text);
  if (documents.length !== 1) throw new UsageError(`${file}: expected one JSON or YAML document, found ${documents.length}`);
  const [document] = documents;
  if (typeof document !== 'object' || document === null || !Array.isArray((document as { probes?: unknown }).probes))
    throw new UsageError(`${file}: expected {"probes": [...]}`);
  const { probes, ...rest } = document as { probes: unknown[] };
  const others = Object.keys(rest);
  if (others.length > 0)
    throw new UsageError(`${file}: ${others.join(', ')} ${others.length === 1 ? 'is' : 'are'} not read with --api: only probes are`);
  return probes;
}

/**
 * `bulkhead simulate --api URL --cluster ID [--plan ID] FILE`: sends the probes of FILE to
 * POST /api/v1/clusters/{id}/simulate and prints its answer as `bulkhead simulate FILE` prints its own. A refusal of
 * the API (a probe naming nothing the cluster has, a plan of another cluster, a bad token) is printed on stderr with
 * the fields at fault, and the exit code is 1.
 */
export async function simulateOnApi(args: ParsedArgs, file: string, text: string, io: CliIo): Promise<number> {
  const base = apiBase(single(args, 'api') ?? '');
  const clusterId = single(args, 'cluster');
  if (clusterId === undefined) throw new UsageError('--api needs --cluster ID');
  const planId = single(args, 'plan');
  const token = single(args, 'token') ?? io.env('BULKHEAD_TOKEN');
  if (!token) throw new UsageError('--api needs a token: --token TOKEN or the environment variable BULKHEAD_TOKEN');
  let probes: unknown[];
  try {
    probes = probesOf(file, text);
  } catch (error) {
    if (!(error instanceof NetpolError)) throw error;
    io.err(`bulkhead simulate: ${error.message}`);
    return 1;
  }
  // The client asks for paths (`/api/v1/...`): they are resolved against --api, and carry the token.
  const client = new ApiClient((path, init) =>
    fetch(new URL(path instanceof Request ? path.url : path, base), {
      ...init,
      headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${token}` },
    }),
  );
  try {
    const answer = await client.call(routes.simulateCluster, {
      params: { clusterId },
      // Each probe is checked by the API, which names the one at fault.
      body: { probes: probes as { from: string; to: string; port: number | string }[], ...(planId === undefined ? {} : { planId }) },
    });
    for (const piece of simulationAnswerJson({ probes: answer.results.length, results: answer.results })) io.out(piece);
    return 0;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const problems = error.problems.map((problem) => `\n  ${problem.field}: ${problem.reason}`).join('');
    io.err(`bulkhead simulate: ${base.origin} answered ${error.status} ${error.code}: ${error.message}${problems}`);
    return 1;
  }
}
