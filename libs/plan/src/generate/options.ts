// The plan's options with their defaults filled in: which allows are switched on, where the cluster DNS
// runs, which ports reach the API server, how long a workload must be observed.
import { DEFAULT_DNS_LABELS, DEFAULT_DNS_NAMESPACE } from '../dns';
import { sortLabels } from '../selectors';
import type { GuardrailStage } from '@bulkhead/contracts';
import type { GuardrailPiece, PlanInput, Purpose } from '../types';

/** The switches of PlanOptions, all on unless switched off. */
export interface PlanSwitches {
  dns: boolean;
  ingressControllers: boolean;
  publicIngressToControllers: boolean;
  prometheus: boolean;
  apiServer: boolean;
  nodeTraffic: boolean;
  lint: boolean;
}

export interface ResolvedPlanOptions {
  switches: PlanSwitches;
  dnsNamespace: string;
  /** Sorted by key. */
  dnsLabels: Record<string, string>;
  apiServerPorts: number[];
  minObservationHours: number;
  /** The cluster layer's pieces switched on (all off unless asked for). */
  clusterLayer: Record<GuardrailPiece, boolean>;
  guardrailStage: GuardrailStage;
}

export function resolvePlanOptions(input: PlanInput): ResolvedPlanOptions {
  const options = input.options ?? {};
  return {
    switches: {
      dns: options.dns !== false,
      ingressControllers: options.ingressControllers !== false,
      publicIngressToControllers: options.publicIngressToControllers !== false,
      prometheus: options.prometheus !== false,
      apiServer: options.apiServer !== false,
      nodeTraffic: options.nodeTraffic !== false,
      lint: options.lint !== false,
    },
    dnsNamespace: options.dnsNamespace ?? DEFAULT_DNS_NAMESPACE,
    dnsLabels: sortLabels(options.dnsPodLabels ?? DEFAULT_DNS_LABELS),
    apiServerPorts: options.apiServerPorts ?? [443, 6443],
    minObservationHours: options.minObservationHours ?? 24,
    clusterLayer: {
      tierIsolation: options.clusterLayer?.tierIsolation === true,
      baselineDefaultDeny: options.clusterLayer?.baselineDefaultDeny === true,
      intraTierPass: options.clusterLayer?.intraTierPass === true,
    },
    guardrailStage: options.guardrailStage ?? 'afterProd',
  };
}

type PurposeSwitch = 'dns' | 'ingressControllers' | 'prometheus' | 'apiServer' | 'nodeTraffic';

/** The switch that turns the allows of a purpose off; default-deny and dependencies have none. */
const SWITCH_OF_PURPOSE: Partial<Record<Purpose, PurposeSwitch>> = {
  dns: 'dns',
  'dns-server': 'dns',
  'ingress-controller': 'ingressControllers',
  'public-entry': 'ingressControllers',
  prometheus: 'prometheus',
  'api-server': 'apiServer',
  'node-traffic': 'nodeTraffic',
};

/** `options.dns`, ...: the option a person sets to switch the purpose off, as policies and messages name it. */
export function switchNameOf(purpose: Purpose): string | undefined {
  const option = SWITCH_OF_PURPOSE[purpose];
  return option && `options.${option}`;
}

export function purposeSwitchedOn(purpose: Purpose, switches: PlanSwitches): boolean {
  const option = SWITCH_OF_PURPOSE[purpose];
  return option === undefined || switches[option];
}
