import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoCluster } from '@bulkhead/demo';
import type { CliIo } from '../command';
import { lintCommand } from './lint';

const fixtures = join(__dirname, '../../../../test/fixtures/plan');

async function run(argv: string[], stdin = '') {
  const c = { stdout: '', stderr: '' };
  const io: CliIo = {
    out: (t) => (c.stdout += `${t}\n`),
    err: (t) => (c.stderr += `${t}\n`),
    readFile: async (path) => readFileSync(path, 'utf8'),
    readStdin: async () => stdin,
    env: () => undefined,
  };
  const code = await lintCommand.run(argv, io);
  return { code, ...c };
}

describe('bulkhead lint', () => {
  it('exits non-zero on error findings and prints each finding readably', async () => {
    const { code, stdout, stderr } = await run([join(fixtures, 'policies-with-mistakes.yaml')]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/error +invalid-policy +NetworkPolicy payments\/bad-port: .*70000/);
    expect(stdout).toMatch(/warning +wildcard-namespace-selector +NetworkPolicy payments\/allow-all-namespaces/);
    expect(stdout).toMatch(/error +default-deny-egress-without-dns +Namespace payments/);
    expect(stdout).toMatch(/fix: /);
    expect(stderr).toMatch(/\d+ error\(s\)/);
  });

  it('exits 0 on a clean file', async () => {
    const { code } = await run([join(fixtures, 'policies-clean.yaml')]);
    expect(code).toBe(0);
  });

  it('flags a CNI that does not enforce NetworkPolicy as an error', async () => {
    const clean = await run([join(fixtures, 'policies-clean.yaml'), '--cni', 'flannel']);
    expect(clean.code).toBe(1);
    expect(clean.stdout).toMatch(/cni-not-enforcing/);
  });

  it('lints a whole snapshot from stdin, as JSON on request', async () => {
    const snapshot = JSON.stringify(demoCluster({ start: new Date('2026-11-01T00:00:00Z') }).snapshot);
    const { code, stdout } = await run(['-', '--format', 'json'], snapshot);
    expect(code).toBe(0);
    const { findings } = JSON.parse(stdout);
    const rules = new Set(findings.map((f: { rule: string }) => f.rule));
    expect(rules.has('wildcard-namespace-selector')).toBe(true);
    expect(rules.has('namespace-selector-without-pod-selector')).toBe(true);
    expect(rules.has('namespace-missing-labels')).toBe(true);
  });

  describe('on a snapshot with cluster-scoped policies', () => {
    const file = join(fixtures, 'cluster-policies.yaml');
    const rulesOf = (stdout: string) => JSON.parse(stdout).findings.map((f: { rule: string; object: string }) => `${f.rule} ${f.object}`);

    it('says Cilium enforces none of them, as an error, and that the domain names open nothing', async () => {
      const { code, stdout } = await run([file, '--cni', 'cilium', '--format', 'json']);
      expect(code).toBe(1);
      const found = rulesOf(stdout);
      expect(found).toContain('cni-ignores-cluster-policies Cluster');
      expect(found).toContain('domain-names-unsupported ClusterNetworkPolicy dev-external-apis');
      expect(found.filter((finding: string) => finding.startsWith('admin-rule-makes-policy-dead'))).toEqual([]);
    });

    it('lints them on a CNI that implements them: equal priorities, a dead allow, a Baseline allow', async () => {
      const { code, stdout } = await run([file, '--cni', 'calico']);
      expect(code).toBe(0);
      expect(stdout).toMatch(
        /warning +cluster-policy-priority-overlap +AdminNetworkPolicy legacy-guard: .*ClusterNetworkPolicy tier-isolation both have priority 10 in the Admin tier/,
      );
      expect(stdout).toMatch(
        /warning +admin-rule-makes-policy-dead +NetworkPolicy prod\/postgres-from-dev: spec\.ingress\[0\] .*denied by ClusterNetworkPolicy tier-isolation \(Admin, priority 10\), ingress rule 'no-dev-to-prod'/,
      );
      expect(stdout).toMatch(/warning +baseline-allow-shadows-plan +BaselineAdminNetworkPolicy default: .*\(dev\/debug-0\)/);
      expect(stdout).toMatch(/info +domain-names-unsupported +ClusterNetworkPolicy dev-external-apis/);
      expect(stdout).not.toMatch(/cni-ignores-cluster-policies/);
    });
  });
});
