import { kindBookinfoInventory } from '../../../../test/fixtures/flows/samples';
import { bookinfoSamples, bookinfoTraffic, type ReplayFlow } from '../../../../test/support/fake-flow-servers/bookinfo-cluster';
import { hourlyImportedMap, storedMap } from '../../../../test/support/fake-flow-servers/hourly-map';
import { HubbleCollection, REPLAY_MS } from './hubble-collection';

const inventory = kindBookinfoInventory();
const flows: ReplayFlow[] = [...bookinfoSamples(), ...bookinfoTraffic(300)];
const clone = (f: ReplayFlow) => structuredClone(f.wire);
const msOf = (wire: any) => {
  const t = wire.flow?.time ?? wire.time;
  return t.seconds * 1000 + Math.floor(t.nanos / 1e6);
};

const imported = () =>
  hourlyImportedMap(
    flows.map((f) => f.line),
    inventory,
  );

/** What a relay answers to `since`: every flow at or after it. */
const from = (since: { seconds: number; nanos: number }) =>
  flows.filter((f) => msOf(f.wire) * 1e6 >= since.seconds * 1e9 + since.nanos - 1e6);

describe('a Hubble collection counts every flow once, however often it resumes', () => {
  it('in one go, gives the map a file import of the same flows gives', () => {
    const collection = new HubbleCollection(inventory, null);
    for (const f of flows) collection.take(clone(f));
    const batches = collection.drain();
    expect(batches.reduce((n, b) => n + b.flows, 0)).toBe(flows.length);
    expect(storedMap(batches)).toEqual(imported());
  });

  it.each([1, 17, 400, 1111, flows.length - 3])('cut after %i flows and resumed from the checkpoint, gives the same map', (cut) => {
    const first = new HubbleCollection(inventory, null);
    for (const f of flows.slice(0, cut)) first.take(clone(f));
    const before = first.drain();
    const checkpoint = before.at(-1)!.checkpoint;
    const resumed = new HubbleCollection(inventory, checkpoint);
    const since = resumed.since();
    expect(msOf({ time: (checkpoint as any).at }) - (since.seconds * 1000 + since.nanos / 1e6)).toBeCloseTo(REPLAY_MS, -1);
    for (const f of from(since)) resumed.take(clone(f));
    const after = resumed.drain();
    expect([...before, ...after].reduce((n, b) => n + b.flows, 0)).toBe(flows.length);
    expect(storedMap([...before, ...after])).toEqual(imported());
  });

  it('records a gap when the relay no longer holds the flows after the checkpoint', () => {
    const collection = new HubbleCollection(inventory, { v: 1, at: { seconds: 100, nanos: 5 }, counted: {} });
    expect(collection.gapBefore({ seconds: 100, nanos: 5 })).toBeNull();
    expect(collection.gapBefore({ seconds: 160, nanos: 0 })).toMatchObject({ from: new Date(100_000), to: new Date(160_000) });
    expect(new HubbleCollection(inventory, null).gapBefore({ seconds: 160, nanos: 0 })).toBeNull();
  });
});
