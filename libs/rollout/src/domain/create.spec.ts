import { validateCreateInput } from './create';
import { createInput, THREE_TIERS } from '../testing/fixtures';

const cron = { kind: 'cron', expression: '0 2 * * MON-FRI', durationMinutes: 60, timeZone: 'UTC' };
const problemsWith = (config: unknown) => validateCreateInput(createInput({ namespaces: THREE_TIERS, config: config as never }));

describe('a rollout request refuses windows and freezes with fields they do not have', () => {
  it.each([
    ['an unknown key in a freeze', { freezes: [{ ...cron, extra: 1 }] }, 'config.freezes[0].extra'],
    [
      '__proto__ in a freeze',
      {
        freezes: [
          JSON.parse(`{"kind":"once","start":"2026-12-24T00:00:00Z","durationMinutes":60,"timeZone":"UTC","__proto__":{"tiers":["dev"]}}`),
        ],
      },
      'config.freezes[0].__proto__',
    ],
    ['an unknown key in a window', { windows: { prod: [{ ...cron, tiers: ['dev'] }] } }, 'config.windows.prod[0].tiers'],
    ['__proto__ among the tiers of the windows', { windows: JSON.parse('{"__proto__":[]}') }, 'config.windows.__proto__'],
    ['a tier that does not exist', { windows: { qa: [cron] } }, 'config.windows.qa'],
    ['windows that are a list', { windows: [cron] }, 'config.windows'],
    ['freezes that are an object', { freezes: { prod: cron } }, 'config.freezes'],
    ['a freeze that is not an object', { freezes: [null] }, 'config.freezes[0]'],
  ])('%s', (_name, config, field) => {
    expect(problemsWith(config).map((p) => p.field)).toEqual([field]);
  });

  it('accepts a freeze with tiers and a reason, and a window with a name', async () => {
    expect(
      problemsWith({ freezes: [{ ...cron, tiers: ['prod'], reason: 'year end' }], windows: { prod: [{ ...cron, name: 'nights' }] } }),
    ).toEqual([]);
  });
});
