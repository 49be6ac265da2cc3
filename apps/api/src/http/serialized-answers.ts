/**
 * Answers already serialized, by a key that names an unchanging content (a plan, which is never
 * changed once written; a rollout at one version): a large answer is read and turned into JSON once
 * per key rather than once per request. Kept up to a budget of characters, the least recently used
 * leaving first; callers asking for the same key at once share one making.
 */
export class SerializedAnswers {
  private readonly kept = new Map<string, string>();
  private readonly making = new Map<string, Promise<string>>();
  private size = 0;

  constructor(private readonly budgetChars: number) {}

  async get(key: string, make: () => Promise<unknown>): Promise<string> {
    const hit = this.kept.get(key);
    if (hit !== undefined) {
      this.kept.delete(key);
      this.kept.set(key, hit);
      return hit;
    }
    const underway = this.making.get(key);
    if (underway) return underway;
    const made = make()
      .then((value) => {
        const json = JSON.stringify(value);
        this.keep(key, json);
        return json;
      })
      .finally(() => this.making.delete(key));
    this.making.set(key, made);
    return made;
  }

  private keep(key: string, json: string): void {
    if (json.length > this.budgetChars) return;
    this.kept.set(key, json);
    this.size += json.length;
    for (const [oldest, value] of this.kept) {
      if (this.size <= this.budgetChars) break;
      this.kept.delete(oldest);
      this.size -= value.length;
    }
  }
}
