import { deferred, settled } from '../../../test/support/deferred';
import { SingleFlight } from './single-flight';

interface State {
  id: string;
  version: number;
}

describe('SingleFlight', () => {
  it('gives the calls for a key the read under way when it is for their version or a newer one', async () => {
    const flights = new SingleFlight<State>();
    const answer = deferred<State>();
    let reads = 0;
    const read = () => (reads++, answer.promise);
    const calls = [flights.run('r1', 5, read), flights.run('r1', 5, read), flights.run('r1', 3, read)];
    answer.resolve({ id: 'r1', version: 5 });
    const states = await Promise.all(calls);
    expect(reads).toBe(1);
    expect(states[1]).toBe(states[0]);
    expect(states[2]).toBe(states[0]);
  });

  it('reads again for a newer version than the read under way, and later calls join the newer read', async () => {
    const flights = new SingleFlight<State>();
    const older = deferred<State>();
    const newer = deferred<State>();
    const versionsRead: number[] = [];
    const readAt = (version: number, answer: Promise<State>) => () => (versionsRead.push(version), answer);
    const first = flights.run('r1', 4, readAt(4, older.promise));
    const second = flights.run('r1', 6, readAt(6, newer.promise));
    const third = flights.run('r1', 5, readAt(5, newer.promise));
    expect(versionsRead).toEqual([4, 6]);
    older.resolve({ id: 'r1', version: 4 });
    await first;
    // the older read ending does not forget the newer one
    const fourth = flights.run('r1', 6, readAt(6, newer.promise));
    expect(versionsRead).toEqual([4, 6]);
    newer.resolve({ id: 'r1', version: 6 });
    expect(await Promise.all([second, third, fourth])).toEqual([
      { id: 'r1', version: 6 },
      { id: 'r1', version: 6 },
      { id: 'r1', version: 6 },
    ]);
  });

  it('keeps the reads of different keys apart', async () => {
    const flights = new SingleFlight<State>();
    const a = flights.run('r1', 1, async () => ({ id: 'r1', version: 1 }));
    const b = flights.run('r2', 1, async () => ({ id: 'r2', version: 1 }));
    expect(await Promise.all([a, b])).toEqual([
      { id: 'r1', version: 1 },
      { id: 'r2', version: 1 },
    ]);
  });

  it('forgets a read once it has settled: the next call reads again', async () => {
    const flights = new SingleFlight<State>();
    let reads = 0;
    const read = async () => ({ id: 'r1', version: ++reads });
    expect(await flights.run('r1', 1, read)).toEqual({ id: 'r1', version: 1 });
    expect(flights.size).toBe(0);
    expect(await flights.run('r1', 1, read)).toEqual({ id: 'r1', version: 2 });
    expect(flights.size).toBe(0);
  });

  it("hands a failed read's error to every caller that joined it, keeps no entry, and does not remember the failure", async () => {
    const flights = new SingleFlight<State>();
    const answer = deferred<State>();
    const calls = [flights.run('r1', 2, () => answer.promise), flights.run('r1', 2, () => answer.promise)];
    answer.reject(new Error('connection reset'));
    for (const call of calls) await expect(call).rejects.toThrow('connection reset');
    await settled();
    expect(flights.size).toBe(0);
    const thrown = flights.run('r1', 2, () => {
      throw new Error('pool closed');
    });
    await expect(thrown).rejects.toThrow('pool closed');
    expect(await flights.run('r1', 2, async () => ({ id: 'r1', version: 2 }))).toEqual({ id: 'r1', version: 2 });
    expect(flights.size).toBe(0);
  });
});
