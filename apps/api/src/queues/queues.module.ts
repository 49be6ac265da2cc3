import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { type DynamicModule, Module } from '@nestjs/common';
import type { ApiRuntime } from '../runtime';

/** Where the queue board and its own API are served (under /api, which the dashboard's pages never shadow); exposure.ts lets admins alone in. */
export const QUEUE_BOARD_PATH = '/api/admin/queues';

/**
 * bull-board over this install's queues (the queue objects of the runtime, so under its queue prefix):
 * jobs by state, their data and errors, and retrying or removing them.
 */
@Module({})
export class QueuesModule {
  static forRuntime(runtime: ApiRuntime): DynamicModule {
    return {
      module: QueuesModule,
      imports: [
        BullBoardModule.forRoot({
          route: QUEUE_BOARD_PATH,
          adapter: ExpressAdapter,
          boardOptions: { uiConfig: { boardTitle: 'Bulkhead queues' } },
        }),
        BullBoardModule.forFeature(
          ...[...runtime.queues.values()].map((queue) => ({
            queue,
            adapter: BullMQAdapter,
            options: { description: `prefix ${runtime.queuePrefix}` },
          })),
        ),
      ],
    };
  }
}
