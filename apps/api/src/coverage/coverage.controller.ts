import { type NamespaceCoverageView, type Page, routes, type RouteInput } from '@bulkhead/contracts';
import { type CoverageDeps, observationCoverage } from '@bulkhead/inventory';
import { Controller, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { RequireRole } from '../http/auth.guard';
import { Input, Route } from '../http/contract';
import type { PageCursors } from '../http/page-cursors';
import { COVERAGE_DEPS, PAGE_CURSORS } from '../stores.providers';

const namespacePosition = z.strictObject({ namespace: z.string() });

@ApiTags('dependency map')
@ApiBearerAuth()
@Controller()
export class CoverageController {
  constructor(
    @Inject(COVERAGE_DEPS) private readonly deps: CoverageDeps,
    @Inject(PAGE_CURSORS) private readonly cursors: PageCursors,
  ) {}

  @Route(routes.observationCoverage)
  @RequireRole('viewer')
  async coverage(@Input() { params, query }: RouteInput<typeof routes.observationCoverage>): Promise<Page<NamespaceCoverageView>> {
    const after = this.cursors.read('observation-coverage', query.cursor, namespacePosition);
    const page = await observationCoverage(this.deps, params.clusterId, query.minObservedDays, { after, limit: query.limit }, new Date());
    return this.cursors.page('observation-coverage', page);
  }
}
