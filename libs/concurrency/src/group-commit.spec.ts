import { deferred, settled } from '../../../test/support/deferred';
import { GroupCommit, type Schedule, type Settled } from './group-commit';
import { KeyedQueue } from './keyed-queue';

/** A schedule the test drives: each batch's flush waits in `turns` until the test runs it. */
function manualTurns() {
  const turns: Array<() => Promise<void>> = [];
  const schedule: Schedule = (flush) => {
    turns.push(flush);
    return Promise.resolve();
  };
  return { turns, schedule };
}

/** A commit that records its batches and answers each item doubled; items named in `failing` fail alone. */
function recordingCommit(failing: string[] = []) {
  const batches: string[][] = [];
  const commit = async (_key: string, items: readonly string[]): Promise<Array<Settled<string>>> => {
    batches.push([...items]);
    return items.map((item) => (failing.includes(item) ? { error: new Error(`${item} refused`) } : { value: item + item }));
  };
  return { batches, commit };
}

describe('GroupCommit', () => {
  it('commits the items handed in while their batch waits as one batch, in order, each answered its own value', async () => {
    const { batches, commit } = recordingCommit();
    const { turns, schedule } = manualTurns();
    const commits = new GroupCommit(commit);
    const answers = ['a', 'b', 'c'].map((item) => commits.submit('r1', item, schedule));
    expect(turns).toHaveLength(1);
    await turns[0]!();
    expect(await Promise.all(answers)).toEqual(['aa', 'bb', 'cc']);
    expect(batches).toEqual([['a', 'b', 'c']]);
  });

  it('closes a batch when its commit starts: later items open the next batch, which waits its own turn', async () => {
    const gate = deferred();
    const batches: string[][] = [];
    const commits = new GroupCommit<string, string>(async (_key, items) => {
      batches.push([...items]);
      await gate.promise;
      return items.map((value) => ({ value }));
    });
    const queue = new KeyedQueue();
    const schedule: Schedule = (flush) => queue.run('cluster-a', flush);
    const first = commits.submit('r1', 'a', schedule);
    await settled();
    expect(batches).toEqual([['a']]);
    const later = [commits.submit('r1', 'b', schedule), commits.submit('r1', 'c', schedule)];
    await settled();
    expect(batches).toEqual([['a']]); // the second batch waits for the first commit
    gate.resolve();
    expect(await Promise.all([first, ...later])).toEqual(['a', 'b', 'c']);
    expect(batches).toEqual([['a'], ['b', 'c']]);
  });

  it('batches each key apart', async () => {
    const { batches, commit } = recordingCommit();
    const { turns, schedule } = manualTurns();
    const commits = new GroupCommit(commit);
    const answers = [commits.submit('r1', 'a', schedule), commits.submit('r2', 'b', schedule), commits.submit('r1', 'c', schedule)];
    expect(turns).toHaveLength(2);
    await Promise.all(turns.map((flush) => flush()));
    expect(await Promise.all(answers)).toEqual(['aa', 'bb', 'cc']);
    expect(batches).toEqual([['a', 'c'], ['b']]);
  });

  it('fails only the item whose outcome is an error; the others of its batch count', async () => {
    const { batches, commit } = recordingCommit(['b']);
    const { turns, schedule } = manualTurns();
    const commits = new GroupCommit(commit);
    const answers = Promise.allSettled(['a', 'b', 'c'].map((item) => commits.submit('r1', item, schedule)));
    await turns[0]!();
    expect(await answers).toMatchObject([{ value: 'aa' }, { reason: { message: 'b refused' } }, { value: 'cc' }]);
    expect(batches).toEqual([['a', 'b', 'c']]);
  });

  it('commits each item alone again when a batch fails as a whole, so that the error reaches only its own caller', async () => {
    const batches: string[][] = [];
    const commits = new GroupCommit<string, string>(async (_key, items) => {
      batches.push([...items]);
      if (items.includes('poison')) throw new Error('unique violation');
      return items.map((value) => ({ value }));
    });
    const { turns, schedule } = manualTurns();
    const answers = Promise.allSettled(['a', 'poison', 'c'].map((item) => commits.submit('r1', item, schedule)));
    await turns[0]!();
    expect(await answers).toMatchObject([{ value: 'a' }, { reason: { message: 'unique violation' } }, { value: 'c' }]);
    expect(batches).toEqual([['a', 'poison', 'c'], ['a'], ['poison'], ['c']]);
  });

  it("fails a lone item with its commit's error without trying again, also when the commit throws before answering", async () => {
    let calls = 0;
    const commits = new GroupCommit<string, string>(() => {
      calls++;
      throw new Error('pool closed');
    });
    const { turns, schedule } = manualTurns();
    const answer = commits.submit('r1', 'a', schedule);
    await turns[0]!();
    await expect(answer).rejects.toThrow('pool closed');
    expect(calls).toBe(1);
  });

  it('fails the items a commit did not answer for, naming the miscount', async () => {
    const commits = new GroupCommit<string, string>(async () => [{ value: 'only one' }]);
    const { turns, schedule } = manualTurns();
    const answers = Promise.allSettled(['a', 'b'].map((item) => commits.submit('r1', item, schedule)));
    await turns[0]!();
    expect(await answers).toMatchObject([{ value: 'only one' }, { reason: { message: 'the commit of 2 item(s) of r1 answered for 1' } }]);
  });

  it('fails every item of a batch whose schedule fails without running it, and opens a new batch for the next item', async () => {
    const { batches, commit } = recordingCommit();
    const commits = new GroupCommit(commit);
    const refusing: Schedule = () => Promise.reject(new Error('queue closed'));
    const answers = Promise.allSettled([commits.submit('r1', 'a', refusing), commits.submit('r1', 'b', refusing)]);
    expect(await answers).toMatchObject([{ reason: { message: 'queue closed' } }, { reason: { message: 'queue closed' } }]);
    const throwing: Schedule = () => {
      throw new Error('no queue');
    };
    await expect(commits.submit('r1', 'c', throwing)).rejects.toThrow('no queue');
    expect(commits.size).toBe(0);
    const { turns, schedule } = manualTurns();
    const next = commits.submit('r1', 'd', schedule);
    await turns[0]!();
    expect(await next).toBe('dd');
    expect(batches).toEqual([['d']]);
  });

  it('holds no batch once its commit has started, whatever it came to', async () => {
    const { commit } = recordingCommit(['b']);
    const { turns, schedule } = manualTurns();
    const commits = new GroupCommit(commit);
    const answers = Promise.allSettled([commits.submit('r1', 'a', schedule), commits.submit('r2', 'b', schedule)]);
    expect(commits.size).toBe(2);
    await Promise.all(turns.map((flush) => flush()));
    await answers;
    expect(commits.size).toBe(0);
  });
});
