import {
  AppError,
  type ApprovalItem,
  doesNotExist,
  type KeysetPage,
  type NewestFirstPosition,
  keysetPage,
  type Page,
  type Probe,
  type RolloutCoverage,
  type RolloutDigest,
  rolloutDigestOf,
  rolloutPatch,
  type RolloutViewChoice,
  routes,
  type RouteInput,
  type WindowPreview,
} from '@bulkhead/contracts';
import {
  ACTIVE_STATUSES,
  continueRollout,
  createRollout,
  type CreateRolloutDeps,
  declareDependencyFromHalt,
  listRollouts,
  newestPlanOf,
  type Opening,
  previewCoverage,
  previewWindows,
  recordEvent,
  RolloutError,
  type RolloutListing,
  type RolloutOutline,
  type RolloutStore,
  type RolloutEvent,
  type RolloutState,
  type RolloutSummary,
  type RolloutView,
  viewOf,
} from '@bulkhead/rollout';
import { FreshReads } from '@bulkhead/concurrency';
import { Controller, Inject, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { Audited } from '../http/audit.interceptor';
import { type CredentialStores, identifyCaller, RequireRole } from '../http/auth.guard';
import { Input, Route } from '../http/contract';
import { type BulkheadRequest, callerName, personOf } from '../http/request-context';
import { RequestError } from '../http/request-error';
import { SerializedAnswers, sendAnswer } from '../http/serialized-answers';
import { newestFirstPosition, type PageCursors } from '../http/page-cursors';
import { RUNTIME, type ApiRuntime } from '../runtime';
import { ACCESS_DEPS, PAGE_CURSORS, ROLLOUT_DEPS, ROLLOUT_STORE, TOKEN_STORE } from '../stores.providers';

/**
 * Whether an open event stream has something to tell: a new version, a stall that began or ended, or
 * other next actions at the same version (a newer plan of the cluster can now be continued with).
 */
const streamedChange = (sent: RolloutView | RolloutDigest, view: RolloutView | RolloutDigest): boolean =>
  view.version !== sent.version ||
  (view.stalled !== undefined) !== (sent.stalled !== undefined) ||
  JSON.stringify(view.nextActions) !== JSON.stringify(sent.nextActions);

/** Where a page of a step's probes ends: the index of its last probe in the step's list. */
const probePosition = z.strictObject({ index: z.number().int().min(0) });

/** How often an open event stream checks that its token or session is still valid. */
const STREAM_CREDENTIAL_CHECK_MS = 2000;

/** Rollout answers kept serialized, in characters: a rollout of hundreds of namespaces is about 0.5 MB a version. */
const KEPT_ROLLOUT_ANSWERS_CHARS = 32 * 1024 * 1024;

@ApiTags('rollouts')
@ApiBearerAuth()
@Controller()
export class RolloutsController {
  private readonly credentials: CredentialStores;
  private readonly answers = new SerializedAnswers(KEPT_ROLLOUT_ANSWERS_CHARS);
  /** The reads every request makes, shared by the requests that arrive together (see FreshReads), none of them older than its request. */
  private readonly states = new FreshReads<RolloutState | null>();
  private readonly outlines = new FreshReads<KeysetPage<RolloutOutline, NewestFirstPosition>>();
  private readonly waiting = new FreshReads<RolloutState[]>();
  private readonly listing: RolloutListing & Pick<RolloutStore, 'get'>;

  constructor(
    @Inject(ROLLOUT_DEPS) private readonly deps: CreateRolloutDeps,
    @Inject(RUNTIME) private readonly runtime: ApiRuntime,
    @Inject(TOKEN_STORE) tokens: CredentialStores['tokens'],
    @Inject(ACCESS_DEPS) access: CredentialStores['access'],
    @Inject(ROLLOUT_STORE) store: RolloutListing & Pick<RolloutStore, 'get'>,
    @Inject(PAGE_CURSORS) private readonly cursors: PageCursors,
  ) {
    this.credentials = { tokens, access };
    this.listing = {
      outlines: (filter, page) => this.outlines.read(JSON.stringify([filter, page]), () => store.outlines(filter, page)),
      get: (id) => this.state(id),
    };
  }

  private state(id: string): Promise<RolloutState | null> {
    return this.states.read(id, () => this.deps.store.get(id));
  }

  /** The rollout with its stall, if it has stopped moving (see stallOf), and what can be done about a halt (given the cluster's newest plan). */
  private async view(state: RolloutState): Promise<RolloutView> {
    const newest = state.status === 'halted' ? await newestPlanOf(this.deps.planning.plans, state.clusterId) : undefined;
    return viewOf(state, this.deps.clock(), this.runtime.config.rollout.stallMs, newest);
  }

  /** Why the caller of a long request may no longer be there (token revoked or expired, session ended, user disabled), or null. */
  private async credentialEnded(req: BulkheadRequest): Promise<AppError | null> {
    try {
      await identifyCaller(req, this.credentials, new Date());
      return null;
    } catch (error) {
      if (error instanceof AppError) return error;
      return null; // the database did not answer: keep the stream, look again next time
    }
  }

  private act(id: string, event: RolloutEvent): Promise<RolloutState> {
    return recordEvent(this.deps, id, event);
  }

  /** A command's answer: the state as it is, or its light view when the caller asked for `view=digest`. */
  private async stateAs(view: RolloutViewChoice, state: RolloutState): Promise<RolloutState | RolloutDigest> {
    return view === 'digest' ? rolloutDigestOf(await this.view(state)) : state;
  }

  /** An action on a halt's answer: the view, or its light view when the caller asked for `view=digest`. */
  private async viewAs(view: RolloutViewChoice, state: RolloutState): Promise<RolloutView | RolloutDigest> {
    const whole = await this.view(state);
    return view === 'digest' ? rolloutDigestOf(whole) : whole;
  }

  /** A rollout of a plan: its namespaces in stages dev, staging, prod, in waves, each proved by probes. */
  @Route(routes.createRollout)
  @RequireRole('operator')
  @Audited('rollout.request', (_req, r) => ({ clusterId: (r as RolloutState).clusterId, target: (r as RolloutState).id }))
  async create(
    @Input() { query, body }: RouteInput<typeof routes.createRollout>,
    @Req() req: BulkheadRequest,
  ): Promise<RolloutState | RolloutDigest> {
    // A start time already past would start at once: most likely a wrong year or offset, so say so.
    if (body.scheduledAt && Date.parse(body.scheduledAt) < this.deps.clock().getTime()) {
      throw new RequestError('request.invalid_body', [
        { field: 'body.scheduledAt', reason: `${body.scheduledAt} is in the past: give a future time, or "start": true to start at once` },
      ]);
    }
    const created = await createRollout(this.deps, {
      ...body,
      config: body.config,
      by: callerName(req.caller!),
      creatorId: personOf(req.caller!),
    });
    return this.stateAs(query.view, created);
  }

  /** Every namespace of a plan with its tier, or none, and what to do with it: what a rollout must place in a stage or exclude. */
  @Route(routes.rolloutCoverage)
  @RequireRole('viewer')
  coverage(@Input() { params: { planId } }: RouteInput<typeof routes.rolloutCoverage>): Promise<RolloutCoverage> {
    return previewCoverage(this.deps, planId);
  }

  /** Per tier, the next openings of a config's windows minus freezes; creates nothing, so a viewer may ask. */
  @Route(routes.previewWindows)
  @RequireRole('viewer')
  previewWindows(@Input() { body }: RouteInput<typeof routes.previewWindows>): WindowPreview {
    const from = body.from ? new Date(body.from) : this.deps.clock();
    const preview = previewWindows(body.config, from);
    if (!preview.ok) throw new RolloutError('rollout.invalid_input', preview.problems);
    const iso = (openings: readonly Opening[]) =>
      openings.map((o) => ({ start: o.start.toISOString(), end: o.end?.toISOString() ?? null }));
    return {
      from: from.toISOString(),
      tiers: { dev: iso(preview.tiers.dev), staging: iso(preview.tiers.staging), prod: iso(preview.tiers.prod) },
    };
  }

  /** Newest first, in pages, as summaries: status, halt, stall, namespaces per stage and phase (GET /rollouts/{id} has the steps). */
  @Route(routes.listRollouts)
  @RequireRole('viewer')
  async list(@Input() { query: q }: RouteInput<typeof routes.listRollouts>): Promise<Page<RolloutSummary>> {
    const statuses = q.status === 'active' ? [...ACTIVE_STATUSES] : q.status ? [q.status] : undefined;
    const after = this.cursors.read('rollouts', q.cursor, newestFirstPosition);
    const page = await listRollouts(
      this.listing,
      { clusterId: q.clusterId, statuses },
      { after, limit: q.limit },
      this.deps.clock(),
      this.runtime.config.rollout.stallMs,
    );
    return this.cursors.page('rollouts', page);
  }

  /** The whole state, serialized once per version (a stalled one, whose stall reads the clock, every time). */
  @Route(routes.getRollout)
  @RequireRole('viewer')
  async get(
    @Input() { params: { rolloutId: id } }: RouteInput<typeof routes.getRollout>,
    @Req() req: BulkheadRequest,
    @Res() res: Response,
  ): Promise<void> {
    await this.answer(id, 'full', req, res);
  }

  /** The light view the rollout page reads: a step's probes are paged by listStepProbes when the step is opened. */
  @Route(routes.getRolloutDigest)
  @RequireRole('viewer')
  async digest(
    @Input() { params: { rolloutId: id } }: RouteInput<typeof routes.getRolloutDigest>,
    @Req() req: BulkheadRequest,
    @Res() res: Response,
  ): Promise<void> {
    await this.answer(id, 'digest', req, res);
  }

  /** The rollout as `view` asks, serialized once per version and next actions (a stalled one, whose stall reads the clock, every time). */
  private async answer(id: string, view: RolloutViewChoice, req: BulkheadRequest, res: Response): Promise<void> {
    const state = await this.state(id);
    if (!state) throw new RolloutError('rollout.not_found', doesNotExist('rollout', id));
    const whole = await this.view(state);
    // the digest is made only when the kept answer is missing: it walks every step's probes
    const shown = () => (view === 'digest' ? rolloutDigestOf(whole) : whole);
    const continuable = whole.nextActions.find((action) => action.action === 'continue');
    const key = `rollout:${view}:${id}:${state.version}${continuable ? `:plan-v${continuable.planVersion}` : ''}`;
    if (whole.stalled) res.json(shown());
    else await sendAnswer(req, res, await this.answers.get(key, async () => shown()));
  }

  /** A page of one step's probes, in the step's order (its latest round: a retried step's probes start again). */
  @Route(routes.listStepProbes)
  @RequireRole('viewer')
  async stepProbes(@Input() { params, query }: RouteInput<typeof routes.listStepProbes>): Promise<Page<Probe>> {
    const state = await this.state(params.rolloutId);
    if (!state) throw new RolloutError('rollout.not_found', doesNotExist('rollout', params.rolloutId));
    const step = state.steps.find((s) => s.namespace === params.namespace);
    if (!step) throw new RolloutError('rollout.not_found', `namespace ${params.namespace} is not part of rollout ${state.id}`);
    const list = `rollout-probes:${state.id}:${step.namespace}`;
    const from = (this.cursors.read(list, query.cursor, probePosition)?.index ?? -1) + 1;
    const rows = step.probes.slice(from, from + query.limit + 1).map((probe, i) => ({ probe, index: from + i }));
    const page = keysetPage(rows, query.limit, (row) => ({ index: row.index }));
    return this.cursors.page(list, { items: page.items.map((row) => row.probe), next: page.next });
  }

  /**
   * Server-sent events: the rollout's whole state first (`rollout`; its light view with `view=digest`),
   * then what changed each time it changes, stalls or has other next actions (`patch`), until the client
   * leaves or its token or session ends (then a last `end` event says why). A client that reconnects
   * gets the whole state again.
   */
  @Route(routes.rolloutEvents)
  @RequireRole('viewer')
  async events(
    @Input() { params: { rolloutId: id }, query }: RouteInput<typeof routes.rolloutEvents>,
    @Req() req: BulkheadRequest,
    @Res() res: Response,
  ): Promise<void> {
    const first = await this.state(id);
    if (!first) throw new RolloutError('rollout.not_found', doesNotExist('rollout', id));
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    let closed = false;
    req.on('close', () => (closed = true));
    let sent = await this.viewAs(query.view, first);
    let sequence = 1;
    res.write(`id: ${sequence}\nevent: rollout\ndata: ${JSON.stringify(sent)}\n\n`);
    let credentialCheckedAt = Date.now();
    // The truth is in PostgreSQL and any worker may change it: look every half second, write on change.
    while (!closed) {
      await new Promise((r) => setTimeout(r, 500));
      if (Date.now() - credentialCheckedAt >= STREAM_CREDENTIAL_CHECK_MS) {
        credentialCheckedAt = Date.now();
        const ended = await this.credentialEnded(req);
        if (ended) {
          res.write(`event: end\ndata: ${JSON.stringify({ code: ended.code, message: ended.message })}\n\n`);
          break;
        }
      }
      const state = await this.state(id).catch(() => null);
      const view = state && (await this.viewAs(query.view, state));
      if (view && streamedChange(sent, view)) {
        res.write(`id: ${++sequence}\nevent: patch\ndata: ${JSON.stringify(rolloutPatch(sent, view))}\n\n`);
        sent = view;
      } else res.write(': keep-alive\n\n');
    }
    res.end();
  }

  @Route(routes.startRollout)
  @RequireRole('operator')
  @Audited('rollout.start_requested', (req) => ({ target: String(req.params.rolloutId) }))
  async start(
    @Input() { params, query }: RouteInput<typeof routes.startRollout>,
    @Req() req: BulkheadRequest,
  ): Promise<RolloutState | RolloutDigest> {
    return this.stateAs(query.view, await this.act(params.rolloutId, { type: 'start', by: callerName(req.caller!) }));
  }

  @Route(routes.pauseRollout)
  @RequireRole('operator')
  async pause(
    @Input() { params, query, body }: RouteInput<typeof routes.pauseRollout>,
    @Req() req: BulkheadRequest,
  ): Promise<RolloutState | RolloutDigest> {
    return this.stateAs(query.view, await this.act(params.rolloutId, { type: 'pause', by: callerName(req.caller!), reason: body.reason }));
  }

  @Route(routes.resumeRollout)
  @RequireRole('operator')
  async resume(
    @Input() { params, query }: RouteInput<typeof routes.resumeRollout>,
    @Req() req: BulkheadRequest,
  ): Promise<RolloutState | RolloutDigest> {
    return this.stateAs(query.view, await this.act(params.rolloutId, { type: 'resume', by: callerName(req.caller!) }));
  }

  @Route(routes.abortRollout)
  @RequireRole('operator')
  async abort(
    @Input() { params, query, body }: RouteInput<typeof routes.abortRollout>,
    @Req() req: BulkheadRequest,
  ): Promise<RolloutState | RolloutDigest> {
    return this.stateAs(
      query.view,
      await this.act(params.rolloutId, { type: 'abort', by: callerName(req.caller!), reason: body.reason, restore: body.restore }),
    );
  }

  @Route(routes.rollbackRollout)
  @RequireRole('operator')
  async rollback(
    @Input() { params, query, body }: RouteInput<typeof routes.rollbackRollout>,
    @Req() req: BulkheadRequest,
  ): Promise<RolloutState | RolloutDigest> {
    return this.stateAs(
      query.view,
      await this.act(params.rolloutId, { type: 'rollback', by: callerName(req.caller!), scope: body.scope, reason: body.reason }),
    );
  }

  @Route(routes.approveStage)
  @RequireRole('approver')
  async approve(
    @Input() { params, query, body }: RouteInput<typeof routes.approveStage>,
    @Req() req: BulkheadRequest,
  ): Promise<RolloutState | RolloutDigest> {
    return this.stateAs(
      query.view,
      await this.act(params.rolloutId, {
        type: 'approve',
        tier: body.tier,
        by: callerName(req.caller!),
        actorId: personOf(req.caller!),
        role: req.caller!.role,
        comment: body.comment,
      }),
    );
  }

  @Route(routes.rejectStage)
  @RequireRole('approver')
  async reject(
    @Input() { params, query, body }: RouteInput<typeof routes.rejectStage>,
    @Req() req: BulkheadRequest,
  ): Promise<RolloutState | RolloutDigest> {
    return this.stateAs(
      query.view,
      await this.act(params.rolloutId, {
        type: 'reject',
        tier: body.tier,
        by: callerName(req.caller!),
        actorId: personOf(req.caller!),
        role: req.caller!.role,
        comment: body.comment,
      }),
    );
  }

  /** From a failed probe of a halted rollout: declares the dependency it points at and makes the cluster's next plan version. */
  @Route(routes.declareDependency)
  @RequireRole('operator')
  @Audited('rollout.declare_dependency', (req) => ({ target: String(req.params.rolloutId) }))
  async declareDependency(
    @Input() { params, query, body }: RouteInput<typeof routes.declareDependency>,
    @Req() req: BulkheadRequest,
  ): Promise<RolloutView | RolloutDigest> {
    return this.viewAs(query.view, await declareDependencyFromHalt(this.deps, params.rolloutId, body, callerName(req.caller!)));
  }

  /** Goes on with a newer plan version, without aborting. */
  @Route(routes.continueRollout)
  @RequireRole('operator')
  async continue(
    @Input() { params, query, body }: RouteInput<typeof routes.continueRollout>,
    @Req() req: BulkheadRequest,
  ): Promise<RolloutView | RolloutDigest> {
    return this.viewAs(query.view, await continueRollout(this.deps, params.rolloutId, body.planVersion, callerName(req.caller!)));
  }

  @Route(routes.retryStep)
  @RequireRole('operator')
  async retry(
    @Input() { params, query, body }: RouteInput<typeof routes.retryStep>,
    @Req() req: BulkheadRequest,
  ): Promise<RolloutView | RolloutDigest> {
    return this.viewAs(
      query.view,
      await this.act(params.rolloutId, { type: 'retryStep', by: callerName(req.caller!), namespace: body.namespace }),
    );
  }

  /** Asks to leave a stopped namespace out; an approver other than the asker must agree (approve-skip). */
  @Route(routes.skipNamespace)
  @RequireRole('operator')
  async skip(
    @Input() { params, query, body }: RouteInput<typeof routes.skipNamespace>,
    @Req() req: BulkheadRequest,
  ): Promise<RolloutView | RolloutDigest> {
    return this.viewAs(
      query.view,
      await this.act(params.rolloutId, {
        type: 'requestSkip',
        by: callerName(req.caller!),
        actorId: personOf(req.caller!),
        namespace: body.namespace,
        reason: body.reason,
      }),
    );
  }

  @Route(routes.approveSkip)
  @RequireRole('approver')
  async approveSkip(
    @Input() { params, query, body }: RouteInput<typeof routes.approveSkip>,
    @Req() req: BulkheadRequest,
  ): Promise<RolloutView | RolloutDigest> {
    return this.viewAs(
      query.view,
      await this.act(params.rolloutId, {
        type: 'approveSkip',
        by: callerName(req.caller!),
        actorId: personOf(req.caller!),
        role: req.caller!.role,
        namespace: body.namespace,
        comment: body.comment,
      }),
    );
  }

  @Route(routes.rejectSkip)
  @RequireRole('approver')
  async rejectSkip(
    @Input() { params, query, body }: RouteInput<typeof routes.rejectSkip>,
    @Req() req: BulkheadRequest,
  ): Promise<RolloutView | RolloutDigest> {
    return this.viewAs(
      query.view,
      await this.act(params.rolloutId, {
        type: 'rejectSkip',
        by: callerName(req.caller!),
        actorId: personOf(req.caller!),
        role: req.caller!.role,
        namespace: body.namespace,
        comment: body.comment,
      }),
    );
  }

  /**
   * What waits for the caller's approval: stages of other people's rollouts, with the evidence. Kept
   * serialized per caller and per version of each waiting rollout: the evidence is most of an answer.
   */
  @Route(routes.listApprovals)
  @RequireRole('viewer')
  async approvals(@Req() req: BulkheadRequest, @Res() res: Response): Promise<void> {
    const me = personOf(req.caller!);
    const waiting = await this.waiting.read('waiting_approval', () => this.deps.store.list({ statuses: ['waiting_approval'] }));
    const key = `approvals for ${me}: ${waiting.map((r) => `${r.id}@${r.version}`).join(' ')}`;
    await sendAnswer(req, res, await this.answers.get(key, async () => approvalsOf(waiting, me)));
  }
}

/** The stages of `waiting` rollouts that wait for a decision, as `person` sees them (`mine`: they created the rollout). */
function approvalsOf(waiting: readonly RolloutState[], person: string): ApprovalItem[] {
  return waiting.flatMap((r) =>
    r.stages
      .filter((s) => s.status === 'waiting_approval' && s.approval && !s.approval.decision)
      .map((s) => ({
        rolloutId: r.id,
        clusterId: r.clusterId,
        planId: r.planId,
        planVersion: r.planVersion,
        createdBy: r.createdBy,
        tier: s.tier,
        requestedAt: s.approval!.requestedAt,
        evidence: s.approval!.evidence,
        mine: r.creatorId === person,
      })),
  );
}
