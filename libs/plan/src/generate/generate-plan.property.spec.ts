// Generated clusters and dependency maps (fast-check): the plan keeps every observed flow, DNS from every
// pod, denies everything else, never allows rejected or unconfirmed cross-tier edges, and is deterministic.
import fc from 'fast-check';
import { generatePlan, renderYaml } from '../index';
import { scenarioArb, TIER, toEdges, toInventory } from '../../../../test/support/plan/generated-clusters';
import { checkPlanProperties } from '../../../../test/support/plan/plan-properties';
import { crossesTiers } from '../tiers';
import { propertyRuns } from '../../../../test/support/property-runs';

describe('generated scenarios', () => {
  it('plans satisfy the spec properties when labels tell workloads apart', () => {
    fc.assert(
      fc.property(scenarioArb(false), ({ namespaces, edges: raw }) => {
        const inventory = toInventory(namespaces);
        const edges = toEdges(raw);
        const plan = generatePlan({ inventory, edges });
        const report = checkPlanProperties(inventory, plan, edges);
        expect(report).toEqual({ brokenFlows: [], dnsFailures: [], overAllowed: [], structure: [], leakedBlocked: [] });
        expect(plan.findings.filter((f) => ['duplicate-rule', 'shadowed-rule'].includes(f.rule))).toEqual([]);
        // Rejected and unconfirmed cross-tier edges are the blocked ones.
        const tierOf = (key: string) => TIER[namespaces[Number(key.split('/')[0]!.replace('workload:ns-', ''))]?.env ?? ''] ?? null;
        for (const e of edges) {
          const k = `${e.src}|${e.dst}|${e.protocol}|${e.port}`;
          const rejected = edges.some((x) => `${x.src}|${x.dst}|${x.protocol}|${x.port}` === k && x.review === 'rejected');
          const confirmed = edges.some((x) => `${x.src}|${x.dst}|${x.protocol}|${x.port}` === k && x.review === 'confirmed');
          const cross = e.dst.startsWith('workload:ns-') && crossesTiers(tierOf(e.src), tierOf(e.dst));
          const blocked = plan.blocked.find((b) => b.key === k);
          if (rejected) expect(blocked?.reason).toBe('rejected');
          else if (cross && !confirmed) expect(blocked?.reason).toBe('cross-tier-unconfirmed');
          else expect(blocked).toBeUndefined();
        }
        expect(renderYaml(generatePlan({ inventory, edges: [...edges].reverse() }).policies)).toBe(renderYaml(plan.policies));
      }),
      { numRuns: propertyRuns(60), seed: 4242 },
    );
  });

  it('when labels cannot tell workloads apart, flows still work and the plan says so', () => {
    fc.assert(
      fc.property(scenarioArb(true), ({ namespaces, edges: raw }) => {
        const inventory = toInventory(namespaces);
        const edges = toEdges(raw);
        const plan = generatePlan({ inventory, edges });
        const report = checkPlanProperties(inventory, plan, edges);
        expect(report.brokenFlows).toEqual([]);
        expect(report.dnsFailures).toEqual([]);
        expect(report.overAllowed).toEqual([]);
        expect(plan.findings.filter((f) => ['duplicate-rule', 'shadowed-rule'].includes(f.rule))).toEqual([]);
        const allowedWorkloads = new Set(
          edges
            .filter(
              (e) => !plan.blocked.some((b) => b.key === `${e.src}|${e.dst}|${e.protocol}|${e.port}`) && e.dst.startsWith('workload:ns-'),
            )
            .flatMap((e) => [e.src.slice(9), e.dst.slice(9)]),
        );
        for (const w of allowedWorkloads) {
          const [ns, name] = w.split('/');
          const gen = namespaces[Number(ns!.replace('ns-', ''))]!.workloads;
          const twins = gen.filter((g) => g.sharedLabel).length;
          if (gen.find((g) => g.name === name)?.sharedLabel && twins > 1) {
            expect(plan.findings.some((f) => f.rule === 'ambiguous-selector' && f.object === `Workload ${w}`)).toBe(true);
          }
        }
      }),
      { numRuns: propertyRuns(60), seed: 777 },
    );
  });
});
