import type { GuardrailPiece, GuardrailStage } from '@bulkhead/contracts';

/** What each piece of the cluster layer is called on the page, and what it does. */
export const GUARDRAIL_WORDS: Record<GuardrailPiece, { label: string; meaning: string }> = {
  tierIsolation: {
    label: 'Tier isolation',
    meaning: 'Admin-tier Deny between dev, staging and prod; confirmed cross-tier edges are passed to the NetworkPolicies first',
  },
  baselineDefaultDeny: {
    label: 'Baseline default-deny',
    meaning: 'every namespace, including those created later, is default-deny until a NetworkPolicy selects its pods',
  },
  intraTierPass: { label: 'Intra-tier pass', meaning: "traffic within a tier is left to its namespaces' owners (Admin-tier Pass)" },
};

/** Where a rollout stages the cluster layer, in the words of the plan form and the Guardrails tab. */
export const GUARDRAIL_STAGE_WORDS: Record<GuardrailStage, string> = {
  afterProd: 'after prod',
  beforeDev: 'before dev',
};
