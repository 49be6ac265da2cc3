import { connectionsOfStarts, type ConnectionStarts, importFlowText, type InventoryIndexInput } from '@bulkhead/flows';

/** An edge of the dependency map as tests compare them: connections, and first and last seen in epoch ms. */
export interface ComparableEdge {
  connections: number;
  firstSeen: number;
  lastSeen: number;
}

const HOUR_MS = 3_600_000;

/**
 * What a file import of these jsonpb lines gives hour by hour (connections from the hour's starts, the
 * largest reporting side): the edge activity a live collection of them must record, keyed
 * `src|dst|protocol|port@<hour, ISO>`, sorted.
 */
export function hourlyImportedActivity(lines: readonly string[], inventory: InventoryIndexInput): Map<string, ComparableEdge> {
  const byHour = new Map<number, string[]>();
  for (const line of lines) {
    const time = JSON.parse(line).flow?.time as string;
    const hour = Math.floor(Date.parse(time) / HOUR_MS) * HOUR_MS;
    const hourLines = byHour.get(hour) ?? [];
    hourLines.push(line);
    byHour.set(hour, hourLines);
  }
  const activity = new Map<string, ComparableEdge>();
  for (const [hour, hourLines] of byHour) {
    for (const e of importFlowText(`${hourLines.join('\n')}\n`, inventory).edges) {
      activity.set(`${e.src.key}|${e.dst.key}|${e.protocol}|${e.port ?? 0}@${new Date(hour).toISOString()}`, {
        connections: e.connections,
        firstSeen: Date.parse(e.firstSeen!),
        lastSeen: Date.parse(e.lastSeen!),
      });
    }
  }
  return sorted(activity);
}

/** What a live collection of these jsonpb lines must put in the map: the hours' activity added up per edge, first and last seen widened. */
export function hourlyImportedMap(lines: readonly string[], inventory: InventoryIndexInput): Map<string, ComparableEdge> {
  const map = new Map<string, ComparableEdge>();
  for (const [slot, edge] of hourlyImportedActivity(lines, inventory)) add(map, slot.slice(0, slot.lastIndexOf('@')), edge);
  return sorted(map);
}

/** Batches summed as the store sums them: starts per edge and hour, connections from them, seen times widened. */
export function storedMap(
  batches: ReadonlyArray<{
    hour: Date;
    edges: ReadonlyArray<{
      srcKey: string;
      dstKey: string;
      protocol: string;
      port: number;
      starts: ConnectionStarts;
      firstSeen: Date | null;
      lastSeen: Date | null;
    }>;
  }>,
): Map<string, ComparableEdge> {
  const hourly = new Map<string, { key: string; starts: ConnectionStarts; firstSeen: number; lastSeen: number }>();
  for (const batch of batches) {
    for (const e of batch.edges) {
      const key = `${e.srcKey}|${e.dstKey}|${e.protocol}|${e.port}`;
      const slot = `${key}@${batch.hour.getTime()}`;
      const prior = hourly.get(slot) ?? {
        key,
        starts: { src: 0, dst: 0, fwd: 0, unknown: 0, listed: 0 },
        firstSeen: Infinity,
        lastSeen: -Infinity,
      };
      hourly.set(slot, {
        key,
        starts: {
          src: prior.starts.src + e.starts.src,
          dst: prior.starts.dst + e.starts.dst,
          fwd: prior.starts.fwd + e.starts.fwd,
          unknown: prior.starts.unknown + e.starts.unknown,
          listed: prior.starts.listed + e.starts.listed,
        },
        firstSeen: Math.min(prior.firstSeen, e.firstSeen?.getTime() ?? Infinity),
        lastSeen: Math.max(prior.lastSeen, e.lastSeen?.getTime() ?? -Infinity),
      });
    }
  }
  const map = new Map<string, ComparableEdge>();
  for (const h of hourly.values())
    add(map, h.key, { connections: connectionsOfStarts(h.starts), firstSeen: h.firstSeen, lastSeen: h.lastSeen });
  return sorted(map);
}

function add(map: Map<string, ComparableEdge>, key: string, edge: ComparableEdge): void {
  const prior = map.get(key);
  map.set(
    key,
    prior
      ? {
          connections: prior.connections + edge.connections,
          firstSeen: Math.min(prior.firstSeen, edge.firstSeen),
          lastSeen: Math.max(prior.lastSeen, edge.lastSeen),
        }
      : edge,
  );
}

const sorted = <T>(map: Map<string, T>) => new Map([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
