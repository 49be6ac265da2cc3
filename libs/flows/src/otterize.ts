// Otterize ClientIntents (`otterize network-mapper export --format=json|yaml`, or the CRD objects):
// each intent declares that a client workload calls its targets. They are a summary of observed
// traffic with no ports, times or counts, so each becomes a declared record whose port is taken from
// the inventory (every port the target workload serves), except `internet` targets that list ports.
//
// The client is `spec.workload` (else `metadata.name`) in `metadata.namespace`. A `kubernetes` or
// `kafka` target is a workload: `name` in the client's namespace, or `name.namespace` across
// namespaces (Otterize's spelling; split on the last dot). A `service` target names a Service, looked
// up as the workload of that name. `internet` targets are addresses and domains outside. Other target
// kinds (`http`, `sql`, cloud APIs) name no network peer and are left out.
import { declaredRecord, type DeclaredPort } from './declared';
import type { FlowEndpoint, FlowRecord, SkipReason } from './model';
import { isCidr, isIp } from './names';

/* eslint-disable @typescript-eslint/no-explicit-any -- intents are read field by field, defensively */

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** `server` in the client's namespace, or `kafka.kafka` = workload `kafka` in namespace `kafka`. */
function workloadTarget(name: string, clientNamespace: string, kind: string | undefined): FlowEndpoint {
  const dot = name.lastIndexOf('.');
  if (dot > 0 && dot < name.length - 1)
    return { kind: 'workload', namespace: name.slice(dot + 1), workload: { kind, name: name.slice(0, dot) } };
  return { kind: 'workload', namespace: clientNamespace, workload: { kind, name } };
}

function internetTargets(target: any): Array<{ endpoint: FlowEndpoint; ports: DeclaredPort[] }> {
  const ports: DeclaredPort[] = [];
  if (Array.isArray(target.ports))
    for (const p of target.ports) if (Number.isInteger(p) && p >= 1 && p <= 65535) ports.push({ port: p, protocol: 'TCP' });
  const out: Array<{ endpoint: FlowEndpoint; ports: DeclaredPort[] }> = [];
  for (const domain of Array.isArray(target.domains) ? target.domains : []) {
    if (typeof domain === 'string' && domain !== '' && !domain.includes('*'))
      out.push({ endpoint: { kind: 'external', dnsNames: [domain.toLowerCase()] }, ports });
  }
  for (const ip of Array.isArray(target.ips) ? target.ips : []) {
    if (typeof ip !== 'string') continue;
    if (isIp(ip)) out.push({ endpoint: { kind: 'external', ip }, ports });
    else if (isCidr(ip)) out.push({ endpoint: { kind: 'external', cidr: ip }, ports });
  }
  return out;
}

/** Normalize one ClientIntents object into declared records, one per target (and port, when listed). */
export function normalizeClientIntents(intents: any, line: number): FlowRecord[] | SkipReason {
  if (intents === null || typeof intents !== 'object' || Array.isArray(intents)) return 'not-an-object';
  if (intents.kind !== 'ClientIntents' || !intents.spec || typeof intents.spec !== 'object') return 'unrecognized-object';
  const metadata = intents.metadata && typeof intents.metadata === 'object' ? intents.metadata : {};
  const namespace = text(metadata.namespace);
  const spec = intents.spec;
  const workload = spec.workload && typeof spec.workload === 'object' ? spec.workload : (spec.service ?? {});
  const clientName = text(workload.name) ?? text(metadata.name);
  if (namespace === undefined || clientName === undefined) return 'missing-endpoint';
  const client: FlowEndpoint = { kind: 'workload', namespace, workload: { kind: text(workload.kind), name: clientName } };

  const out: FlowRecord[] = [];
  const targets: unknown[] = Array.isArray(spec.targets) ? spec.targets : Array.isArray(spec.calls) ? spec.calls : [];
  for (const target of targets as any[]) {
    if (!target || typeof target !== 'object') continue;
    const peer = target.kubernetes ?? target.kafka;
    if (peer && typeof peer === 'object' && text(peer.name) !== undefined) {
      const dst = workloadTarget(peer.name, namespace, text(peer.kind));
      out.push(declaredRecord('otterize-intents', line, client, dst, 'src', undefined));
    } else if (target.service && typeof target.service === 'object' && text(target.service.name) !== undefined) {
      const service = workloadTarget(target.service.name, namespace, undefined);
      const dst: FlowEndpoint = { ...service, service: { namespace: service.namespace, name: service.workload!.name } };
      out.push(declaredRecord('otterize-intents', line, client, dst, 'src', undefined));
    } else if (target.internet && typeof target.internet === 'object') {
      for (const { endpoint, ports } of internetTargets(target.internet)) {
        if (ports.length === 0) out.push(declaredRecord('otterize-intents', line, client, endpoint, 'src', undefined));
        for (const port of ports) out.push(declaredRecord('otterize-intents', line, client, endpoint, 'src', port));
      }
    } else if (text(target.name) !== undefined && (target.type === undefined || target.type === 'http' || target.type === 'kafka')) {
      // the older v1alpha2 `calls[]{name, type}` spelling
      out.push(declaredRecord('otterize-intents', line, client, workloadTarget(target.name, namespace, undefined), 'src', undefined));
    }
  }
  return out;
}
