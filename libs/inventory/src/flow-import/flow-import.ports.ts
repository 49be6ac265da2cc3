import type {
  FlowImportProgress,
  FlowImportWarning,
  JobName,
  JobPayloads,
  KeysetPage,
  NewestFirstPosition,
  PageRequest,
} from '@bulkhead/contracts';
import type { FlowRecord } from '@bulkhead/flows';

export interface FlowImportRecord {
  id: string;
  clusterId: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  format: string | null;
  fileName: string | null;
  sha256: string;
  sizeBytes: number;
  storagePath: string | null;
  progress: FlowImportProgress;
  error: string | null;
  /** Why a finished import attributed nothing (empty otherwise). */
  warnings: FlowImportWarning[];
  /** Unattributed flows kept for the next inventory change, those the cluster had no room left for, and those attributed since. */
  unattributed: { waiting: number; notKept: number; attributedLater: number };
  duplicateOf: string | null;
  createdBy: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** What one import adds to one dependency edge. */
export interface EdgeContribution {
  srcKey: string;
  dstKey: string;
  port: number;
  protocol: string;
  connections: number;
  firstSeen: Date | null;
  lastSeen: Date | null;
  verdicts: string[];
  /** For a DNS-named external destination: the IPs it was reached at. */
  addresses: string[];
  /** `declared` when the import's source declares the dependency (Otterize intents, an advised policy) rather than observing it. */
  origin: 'observed' | 'declared';
}

/** Refused attempts one import saw between two ends on one port (dropped, denied, errors): never an edge. */
export interface BlockedContribution {
  srcKey: string;
  dstKey: string;
  port: number;
  protocol: string;
  attempts: number;
  firstSeen: Date | null;
  lastSeen: Date | null;
  reasons: string[];
}

/** Blocked attempts kept per cluster; past it, those seen longest ago go first. */
export const MAX_BLOCKED_ATTEMPTS_PER_CLUSTER = 2000;

export interface FlowImportStore {
  /**
   * Records a new upload. When the same content was already imported (or is being imported) into the
   * cluster, the record is created as a finished duplicate of that import instead.
   */
  create(input: {
    clusterId: string;
    sha256: string;
    sizeBytes: number;
    fileName: string | null;
    storagePath: string;
    createdBy: string | null;
    progress: FlowImportProgress;
  }): Promise<FlowImportRecord>;
  get(id: string): Promise<FlowImportRecord | null>;
  /** A page of the cluster's imports, newest first. */
  page(
    clusterId: string,
    filter: { status?: FlowImportRecord['status'] },
    page: PageRequest<NewestFirstPosition>,
  ): Promise<KeysetPage<FlowImportRecord, NewestFirstPosition>>;
  /** Marks a queued (or interrupted running) import as running; null when it has already finished. */
  claim(id: string, at: Date): Promise<FlowImportRecord | null>;
  saveProgress(id: string, progress: FlowImportProgress, format: string | null): Promise<void>;
  /**
   * In one transaction: adds every contribution to its edge, keeps it as evidence, adds the blocked
   * attempts (bounded by MAX_BLOCKED_ATTEMPTS_PER_CLUSTER), keeps the unattributed flows while the
   * cluster holds fewer than `keepAtMost` of them (the rest count as not kept), marks the import
   * succeeded with its warnings. Observed traffic makes a declared edge observed; nothing changes a
   * person's (`manual`).
   * Answers how many unattributed flows were kept (0 when an earlier run had already finished it).
   */
  complete(
    id: string,
    result: {
      format: string;
      progress: FlowImportProgress;
      edges: EdgeContribution[];
      blocked: BlockedContribution[];
      warnings: FlowImportWarning[];
      /** The first of the flows an inventory may attribute later, at most `keepAtMost` of them. */
      unattributed: FlowRecord[];
      /** How many flows an inventory may attribute later, kept or not: those past `unattributed` count as not kept. */
      mayBeAttributedLater: number;
      keepAtMost: number;
    },
    at: Date,
  ): Promise<{ kept: number }>;
  /**
   * Under the cluster's lock (one attribution at a time): hands the cluster's kept flows to `attribute`,
   * then, in one transaction, adds what it attributed to the edges as evidence of the imports the flows
   * came from, and forgets those flows. Answers how many were attributed and how many still wait.
   */
  reattribute(clusterId: string, attribute: (kept: KeptFlow[]) => Promise<Reattribution>): Promise<{ attributed: number; waiting: number }>;
  fail(id: string, error: string, progress: FlowImportProgress, at: Date): Promise<void>;
  /** The ids of the imports not finished yet (queued, or running): each should have a job waiting or running. */
  unfinished(): Promise<string[]>;
}

/** An unattributed flow kept for the next inventory change. */
export interface KeptFlow {
  id: string;
  importId: string;
  record: FlowRecord;
}

/**
 * What attributing kept flows again gave: the flows whose ends are now known, and each import's contributions,
 * its edges and, for the flows that were refused, its blocked attempts.
 */
export interface Reattribution {
  attributedIds: string[];
  byImport: Array<{ importId: string; flows: number; edges: EdgeContribution[]; blocked: BlockedContribution[] }>;
}

/** The uploaded file behind an import. */
export interface UploadFiles {
  read(path: string, onBytes: (bytes: number) => void): AsyncIterable<string>;
  remove(path: string): Promise<void>;
}

export interface JobQueue {
  enqueue<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<void>;
}
