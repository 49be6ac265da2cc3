import { stringify } from 'yaml';
import { policy, upstreamSnapshot } from '../../../../test/fixtures/netpol/upstream-model';
import { type CliIo, UsageError } from '../command';
import { commands } from '.';
import { simulateCommand } from './simulate';

function capture(files: Record<string, string>, stdin = ''): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      out: (t) => (out += t),
      err: (t) => (err += t),
      readFile: async (path) => {
        const text = files[path];
        if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
        return text;
      },
      readStdin: async () => stdin,
      env: () => undefined,
    },
    out: () => out,
    err: () => err,
  };
}

const input = {
  snapshot: upstreamSnapshot([policy('y', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] })]),
  probes: [
    { from: 'x/a', to: 'y/b', port: 80, protocol: 'TCP' },
    { from: 'y/a', to: 'x/a', port: 'serve-80-tcp' },
  ],
};

describe('bulkhead simulate', () => {
  test('is registered', async () => {
    expect(await commands.simulate?.()).toBe(simulateCommand);
  });

  test('reads a JSON file and prints the results as JSON, exit 0 whatever the verdicts', async () => {
    const c = capture({ 'in.json': JSON.stringify(input) });
    expect(await simulateCommand.run(['in.json'], c.io)).toBe(0);
    expect(c.err()).toBe('');
    const output = JSON.parse(c.out());
    expect(output.results.map((r: { allowed: boolean }) => r.allowed)).toEqual([false, true]);
    expect(output.results[0]).toMatchObject({
      from: 'x/a',
      to: 'y/b',
      port: 80,
      protocol: 'TCP',
      egress: { allowed: true, policies: [] },
      ingress: { allowed: false, policies: ['y/deny-all'] },
    });
  });

  test('reads YAML', async () => {
    const c = capture({ 'in.yaml': stringify(input) });
    expect(await simulateCommand.run(['in.yaml'], c.io)).toBe(0);
    expect(JSON.parse(c.out()).results).toHaveLength(2);
  });

  test('reads stdin when FILE is -', async () => {
    const c = capture({}, JSON.stringify(input));
    expect(await simulateCommand.run(['-'], c.io)).toBe(0);
    expect(JSON.parse(c.out()).results).toHaveLength(2);
  });

  const invalid: [string, string, string][] = [
    [
      'an unknown pod',
      JSON.stringify({ ...input, probes: [{ from: 'x/a', to: 'x/zz', port: 80 }] }),
      'bulkhead simulate: probes[0].to: "x/zz" is neither a pod nor a workload of the inventory',
    ],
    [
      'a bad protocol',
      JSON.stringify({ ...input, probes: [{ from: 'x/a', to: 'x/b', port: 80, protocol: 'tcp' }] }),
      'bulkhead simulate: probes[0].protocol: Unsupported value: "tcp"',
    ],
    [
      'an invalid policy',
      JSON.stringify({
        ...input,
        snapshot: upstreamSnapshot([
          policy('y', 'bad', { podSelector: { matchExpressions: [{ key: 'pod', operator: 'Is', values: ['a'] }] } }),
        ]),
      }),
      'bulkhead simulate: y/bad: NetworkPolicy.networking.k8s.io "bad" is invalid: spec.podSelector.matchExpressions[0].operator: Invalid value: "Is": not a valid selector operator',
    ],
    ['text that is neither JSON nor YAML', '{"snapshot": [', 'bulkhead simulate: document 1: is not valid YAML'],
  ];
  test.each(invalid)('exits non-zero and names the problem on stderr: %s', async (_name, text, message) => {
    const c = capture({ 'in.json': text });
    expect(await simulateCommand.run(['in.json'], c.io)).toBe(1);
    expect(c.out()).toBe('');
    expect(c.err()).toContain(message);
  });

  test('without FILE it is a usage error', async () => {
    await expect(simulateCommand.run([], capture({}).io)).rejects.toThrow(UsageError);
  });
});
