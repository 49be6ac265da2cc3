import { kindBookinfoInventory } from '../../../../test/fixtures/flows/samples';
import { BOOKINFO_PREFIX, goldmaneFlow } from '../../../../test/support/fake-flow-servers/goldmane';
import { GOLDMANE_BUCKET_SECONDS, GOLDMANE_RETENTION_SECONDS, GoldmaneCollection } from './goldmane-collection';

const inventory = kindBookinfoInventory();
const BUCKET = 1_700_000_010;
const toReviews = (bucket: number, started: number, reporter: 'Src' | 'Dst' = 'Src') => ({
  flow: goldmaneFlow({ bucket, from: BOOKINFO_PREFIX.productpage, to: BOOKINFO_PREFIX.reviews, port: 9080, started, reporter }),
});

/** The one batch a collection that took flows drains. */
function drainOne(collection: GoldmaneCollection) {
  const batches = collection.drain();
  expect(batches).toHaveLength(1);
  return batches[0]!;
}

describe('a Goldmane collection', () => {
  it('attributes name prefixes to the workload whose inventory pods carry them', () => {
    const collection = new GoldmaneCollection(inventory, null);
    collection.take(toReviews(BUCKET, 3));
    const batch = drainOne(collection);
    expect(batch.buckets).toEqual([
      expect.objectContaining({
        srcKey: 'workload:bookinfo/productpage-v1',
        dstKey: 'workload:bookinfo/reviews-v2',
        port: 9080,
        protocol: 'TCP',
        reporter: 'src',
        connections: 3,
        bucketStart: new Date(BUCKET * 1000),
        bucketEnd: new Date((BUCKET + 15) * 1000),
      }),
    ]);
    expect(batch.unattributed).toEqual([]);
  });

  it('keeps the latest counts of a bucket received twice in one batch', () => {
    const collection = new GoldmaneCollection(inventory, null);
    collection.take(toReviews(BUCKET, 3));
    collection.take(toReviews(BUCKET, 5));
    const batch = drainOne(collection);
    expect(batch.buckets.map((b) => b.connections)).toEqual([5]);
    expect(batch.flows).toBe(2);
  });

  it('reports a prefix no inventory pod or workload carries, and puts nothing of it in the map', () => {
    const collection = new GoldmaneCollection(inventory, null);
    collection.take({
      flow: goldmaneFlow({ bucket: BUCKET, from: 'legacy-5c9d8f7b6-*', to: BOOKINFO_PREFIX.details, port: 9080, started: 1 }),
    });
    const batch = drainOne(collection);
    expect(batch.buckets).toEqual([]);
    expect(batch.unattributed).toEqual(['bookinfo/legacy-5c9d8f7b6-*']);
  });

  it('counts a denied flow as no dependency', () => {
    const collection = new GoldmaneCollection(inventory, null);
    collection.take({
      flow: goldmaneFlow({
        bucket: BUCKET,
        from: BOOKINFO_PREFIX.ratings,
        to: BOOKINFO_PREFIX.details,
        port: 9080,
        started: 1,
        action: 'Deny',
      }),
    });
    const batch = drainOne(collection);
    expect(batch).toMatchObject({ buckets: [], flows: 1 });
  });

  it('checkpoints the bucket before the newest, and backfills from it', () => {
    const collection = new GoldmaneCollection(inventory, null);
    expect(collection.backfillFrom()).toBeNull();
    collection.take(toReviews(BUCKET, 1));
    collection.take(toReviews(BUCKET + 2 * GOLDMANE_BUCKET_SECONDS, 1));
    const batch = drainOne(collection);
    expect(batch.checkpoint).toEqual({ v: 1, lastCompleteBucket: BUCKET + GOLDMANE_BUCKET_SECONDS });
    expect(new GoldmaneCollection(inventory, batch.checkpoint).backfillFrom()).toBe(BUCKET + GOLDMANE_BUCKET_SECONDS);
  });

  it('names a gap only when Goldmane no longer keeps the buckets after the checkpoint', () => {
    const collection = new GoldmaneCollection(inventory, { v: 1, lastCompleteBucket: BUCKET });
    expect(collection.gapBefore(BUCKET + 600)).toBeNull();
    const gap = collection.gapBefore(BUCKET + 2 * GOLDMANE_RETENTION_SECONDS);
    expect(gap).toMatchObject({
      from: new Date((BUCKET + GOLDMANE_BUCKET_SECONDS) * 1000),
      to: new Date((BUCKET + GOLDMANE_RETENTION_SECONDS) * 1000),
    });
  });
});
