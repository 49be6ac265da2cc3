import { deferred } from '../../../../test/support/deferred';
import { VersionedAnswers } from './versioned-answers';

const CLUSTER = '3f0e4a52-8d1c-4c3e-9d4b-6a8f2e1b7c90';

/** A cluster whose data version the test moves, each read of it held open until the test lets it answer. */
function heldCluster() {
  let version = 1;
  const answers: Array<() => void> = [];
  const read = () => {
    const versionNow = String(version);
    const answer = deferred<string>();
    answers.push(() => answer.resolve(versionNow));
    return answer.promise;
  };
  return {
    store: { dataVersion: read, listVersion: read },
    write: () => void (version += 1),
    answerAll: () => answers.splice(0).forEach((answer) => answer()),
    pending: () => answers.length,
  };
}

describe('versioned answers', () => {
  it('never gives a request a version read that started before it arrived, while sharing one read between requests that arrive together', async () => {
    const cluster = heldCluster();
    const kept = new VersionedAnswers(cluster.store, { size: async () => 0 });
    const before = kept.versionOf('cluster', CLUSTER);
    cluster.write();
    const after = [kept.versionOf('cluster', CLUSTER), kept.versionOf('cluster', CLUSTER)];
    expect(cluster.pending()).toBe(1);
    cluster.answerAll();
    expect(await before).toBe('1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(cluster.pending()).toBe(1);
    cluster.answerAll();
    expect(await Promise.all(after)).toEqual(['2', '2']);
  });

  it('reads the versions of different clusters and sources apart, and none for an id that is not one', async () => {
    const cluster = heldCluster();
    const kept = new VersionedAnswers(cluster.store, { size: async () => 42 });
    const reads = [
      kept.versionOf('cluster', CLUSTER),
      kept.versionOf('cluster-and-rollouts', CLUSTER),
      kept.versionOf('cluster', undefined),
    ];
    expect(cluster.pending()).toBe(3);
    cluster.answerAll();
    expect(await Promise.all(reads)).toEqual(['1', '1', '1']);
    expect(await kept.versionOf('audit-log', undefined)).toBe('42');
    expect(await kept.versionOf('cluster', 'not-an-id')).toBeNull();
  });
});
