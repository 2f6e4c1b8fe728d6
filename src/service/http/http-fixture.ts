/**
 * Test support for the HTTP layer (not used by ferry itself): a config with every trigger enabled, API
 * tokens of each role, a recording PromotionService fake, and captured log output.
 *
 * The fake stands in for the promotion engine (tested on its own, and end to end by the integration
 * tests): it accepts whatever resolved request it is given, so these tests see exactly which requests
 * reached `accept` and which admission refused before it. Like the engine, it answers a delivery id it has seen
 * with the promotion that delivery created (`created: false`).
 */

import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { signStandardWebhook } from '../../api/standard-webhooks.ts';
import { configSchemas, type FerryConfig } from '../config/schema.ts';
import type { PromotionRequest } from '../promote/promotion-request.ts';
import type {
  AcceptResult,
  Actor,
  PromotionQuery,
  PromotionService,
  PromotionUpdate,
} from '../promote/promotion-service.ts';
import { type ResolvedRequest, resolveRequest } from '../promote/resolve-request.ts';
import type { Approval } from '../store/approval-store.ts';
import type { AuditEvent } from '../store/audit-event.ts';
import type { AuditPage, AuditSearch } from '../store/audit-store.ts';
import type { Promotion, PromotionStatus } from '../store/promotion.ts';
import type { BlobProgress } from '../store/promotion-blob-store.ts';
import type { ListReleasesFilter, Release, ReleaseEntry } from '../store/release-store.ts';
import { createHttpApp, type HttpAppOptions } from './create-http-app.ts';
import { createMetrics, type FerryMetrics } from './metrics.ts';
import type { Readiness } from './readiness.ts';
import { CONTRACT_VIOLATION_LOG } from './response-contract.ts';

/** Tokens as a client holds them; the config stores only their SHA-256. */
export const TOKENS = {
  viewer: 'tok-viewer-6f1d0c3a9b7e4f2c8d5a1e0b3c7f9a2d',
  promoter: 'tok-promoter-a1b2c3d4e5f60718293a4b5c6d7e8f90',
  approver: 'tok-approver-0f9e8d7c6b5a49382716a5b4c3d2e1f0',
  admin: 'tok-admin-11223344556677889900aabbccddeeff',
  paymentsOnly: 'tok-payments-99887766554433221100ffeeddccbbaa',
} as const;

export const SECRETS = {
  standard: 'whsec_c2VjcmV0LXN0YW5kYXJkLWZvci10ZXN0cw==',
  github: 'gh-secret-5b2e7c1d9a4f',
  openshift: 'os-secret-3c9a7e1b5d2f8a4c',
  distribution: 'Bearer dist-secret-7d1e4a9c2b5f',
  harbor: 'Basic aGFyYm9yOmhhcmJvci1zZWNyZXQtOGUyZg==',
} as const;

export const NONPROD_REGISTRY = 'docker-registry-default.apps.nonprod.example.com';
export const PROD_REGISTRY = 'docker-registry-default.apps.prod.example.com';
export const COMMIT = '3f786850e387550fdab836ed7e6dc881de23001b';
export const DIGEST = `sha256:${'ab'.repeat(32)}`;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** The raw config every test app starts from; `edit` may change it before it is parsed. */
export function testConfig(edit: (raw: Record<string, unknown>) => void = () => {}): FerryConfig {
  const raw: Record<string, unknown> = {
    server: { publicUrl: 'https://ferry.example.com' },
    environments: {
      nonprod: {
        registry: NONPROD_REGISTRY,
        aliases: ['registry.nonprod.example:5000'],
        credentials: { anonymous: true },
      },
      prod: { registry: PROD_REGISTRY, credentials: { anonymous: true } },
    },
    promotions: [
      // Every trigger, registry events included (they are opt-in); the other rules keep the default.
      {
        name: 'team-a',
        from: 'nonprod:team-a/*',
        to: 'prod:team-a/*',
        tags: '.+',
        triggers: ['api', 'standardWebhooks', 'github', 'openshift', 'distribution', 'harbor'],
      },
      { name: 'seed', from: 'nonprod:myproject-dev/*', to: 'prod:myproject-prod/*', tags: '[0-9a-f]{7,40}' },
      { name: 'payments', from: 'nonprod:payments/*', to: 'prod:payments/*', tags: '.+' },
    ],
    triggers: {
      standardWebhooks: { enabled: true, secrets: [{ value: SECRETS.standard }] },
      github: { enabled: true, secrets: [{ value: SECRETS.github }] },
      openshift: { enabled: true, secrets: [{ value: SECRETS.openshift }] },
      distribution: { enabled: true, authorization: { value: SECRETS.distribution }, environment: 'nonprod' },
      harbor: { enabled: true, authorization: { value: SECRETS.harbor }, environment: 'nonprod' },
    },
    apiTokens: [
      { name: 'dashboard', role: 'viewer', sha256: sha256(TOKENS.viewer) },
      { name: 'jenkins', role: 'promoter', sha256: sha256(TOKENS.promoter) },
      { name: 'alice', role: 'approver', sha256: sha256(TOKENS.approver) },
      { name: 'carol', role: 'admin', sha256: sha256(TOKENS.admin) },
      {
        name: 'payments-ci',
        role: 'promoter',
        sha256: sha256(TOKENS.paymentsOnly),
        promotions: ['payments'],
      },
    ],
  };
  edit(raw);
  return configSchemas({ baseDir: '/etc/ferry' }).config.parse(raw);
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export interface Call {
  readonly method: string;
  readonly args: readonly unknown[];
}

/** What the fake's accept was given, in a form a test can compare: rule name, sides as `env:repo`. */
export interface AcceptedView {
  readonly rule: string;
  readonly source: string;
  readonly destination: string;
  readonly tag: string;
  readonly digest?: string;
  readonly trigger: ResolvedRequest['trigger'];
  readonly gitCommit?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export function acceptedView(call: Call | undefined): [AcceptedView, Actor] {
  assert.ok(call !== undefined && call.method === 'accept', 'accept was not called');
  const [request, actor] = call.args as [ResolvedRequest, Actor];
  const { match } = request;
  const view: AcceptedView = {
    rule: match.rule.name,
    source: `${match.source.environment}:${match.source.repository}`,
    destination: `${match.destination.environment}:${match.destination.repository}`,
    tag: request.tag,
    ...(request.digest === undefined ? {} : { digest: request.digest }),
    trigger: request.trigger,
    ...(request.gitCommit === undefined ? {} : { gitCommit: request.gitCommit }),
    ...(request.labels === undefined ? {} : { labels: request.labels }),
  };
  return [view, actor];
}

/** A promotion as the store would hold it, from a resolved request the fake accepted. */
export function promotionFrom(id: string, request: ResolvedRequest): Promotion {
  const { match, tag, trigger } = request;
  const now = new Date('2024-05-01T10:00:00Z');
  return {
    id,
    kind: 'promotion',
    requesterKey: null,
    releaseTag: match.rule.releaseTag ?? null,
    rule: match.rule.name,
    source: {
      environment: match.source.environment,
      registry: match.source.registry,
      repository: match.source.repository,
      tag,
      digest: request.digest ?? DIGEST,
    },
    destination: {
      environment: match.destination.environment,
      registry: match.destination.registry,
      repository: match.destination.repository,
      tag,
    },
    status: 'queued',
    reason: null,
    requestedBy: trigger.actor,
    triggerKind: trigger.kind,
    deliveryId: trigger.deliveryId ?? null,
    approvalsRequired: 0,
    attempts: 0,
    resultDigest: null,
    bytes: { copied: 0, mounted: 0, skipped: 0 },
    rollbackOf: null,
    rerunOf: null,
    supersededBy: null,
    gitCommit: request.gitCommit ?? null,
    labels: request.labels ?? {},
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    finishedAt: null,
  };
}

/**
 * A recording PromotionService. `accept` creates a queued promotion (or returns the equal one, like the
 * real idempotency rule); `failNext` makes the next call of a method throw.
 */
export class FakePromotionService implements PromotionService {
  readonly calls: Call[] = [];
  readonly promotions = new Map<string, Promotion>();
  /** Decisions recorded by approve/reject, per promotion. */
  readonly decisions = new Map<string, Approval[]>();
  readonly listeners = new Set<{ id: string | undefined; listener: (update: PromotionUpdate) => void }>();
  /** What `blobs` answers, per promotion. */
  readonly blobProgress = new Map<string, BlobProgress[]>();
  /** What `searchAudit` pages through, newest first (ids descending). */
  auditEvents: AuditEvent[] = [];
  private readonly config: FerryConfig;
  private readonly failures = new Map<string, unknown>();
  private counter = 0;

  constructor(config: FerryConfig) {
    this.config = config;
  }

  failNext(method: keyof PromotionService, err: unknown): void {
    this.failures.set(method, err);
  }

  callsTo(method: keyof PromotionService): Call[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** A stored promotion, for action and read tests. */
  add(overrides: Partial<Promotion> = {}): Promotion {
    const id = overrides.id ?? this.nextId();
    const request: PromotionRequest = {
      source: { environment: 'nonprod', repository: 'team-a/app', tag: 'v1' },
      trigger: { kind: 'api', actor: 'jenkins' },
    };
    const promotion = { ...promotionFrom(id, resolveRequest(this.config, request)), ...overrides };
    this.promotions.set(id, promotion);
    return promotion;
  }

  /** Sends an update to the subscribers of its promotion (and to those of all promotions). */
  emit(update: PromotionUpdate): void {
    const id =
      update.type === 'status'
        ? update.promotion.id
        : update.type === 'audit'
          ? (update.event.promotionId ?? undefined)
          : update.promotionId;
    for (const { id: wanted, listener } of [...this.listeners]) {
      if (wanted === undefined || wanted === id) listener(update);
    }
  }

  private nextId(): string {
    this.counter++;
    return `0190f0a0-0000-7000-8000-${String(this.counter).padStart(12, '0')}`;
  }

  private record(method: keyof PromotionService, args: readonly unknown[]): void {
    this.calls.push({ method, args });
    const failure = this.failures.get(method);
    if (failure !== undefined) {
      this.failures.delete(method);
      throw failure;
    }
  }

  async accept(request: ResolvedRequest, actor: Actor): Promise<AcceptResult> {
    this.record('accept', [request, actor]);
    const { kind, deliveryId } = request.trigger;
    const delivered = [...this.promotions.values()].find(
      (p) => deliveryId !== undefined && p.deliveryId === deliveryId && p.triggerKind === kind,
    );
    if (delivered !== undefined) return { promotion: delivered, created: false, replayed: true };
    const candidate = promotionFrom(this.nextId(), request);
    const existing = [...this.promotions.values()].find(
      (p) =>
        p.source.digest === candidate.source.digest &&
        p.destination.registry === candidate.destination.registry &&
        p.destination.repository === candidate.destination.repository &&
        p.destination.tag === candidate.destination.tag,
    );
    if (existing !== undefined) return { promotion: existing, created: false };
    this.promotions.set(candidate.id, candidate);
    return { promotion: candidate, created: true };
  }

  async get(id: string): Promise<{ promotion: Promotion; timeline: AuditEvent[] } | undefined> {
    this.record('get', [id]);
    const promotion = this.promotions.get(id);
    if (promotion === undefined) return undefined;
    const event: AuditEvent = {
      id: 1,
      promotionId: id,
      at: promotion.createdAt,
      actor: promotion.requestedBy,
      kind: 'accepted',
      digest: promotion.source.digest,
      outcome: 'ok',
      bytes: null,
      detail: {},
    };
    return { promotion, timeline: [event] };
  }

  async blobs(id: string): Promise<BlobProgress[]> {
    this.record('blobs', [id]);
    return this.blobProgress.get(id) ?? [];
  }

  /** Filters by promotion only; pages by id like the store (cursor: the last id, in decimal). */
  async searchAudit(search: AuditSearch): Promise<AuditPage> {
    this.record('searchAudit', [search]);
    const limit = search.limit ?? 50;
    const after = search.cursor === undefined ? Number.POSITIVE_INFINITY : Number(search.cursor);
    const matching = this.auditEvents.filter(
      (e) => e.id < after && (search.promotionId === undefined || e.promotionId === search.promotionId),
    );
    const events = matching.slice(0, limit);
    const last = events[events.length - 1];
    return { events, nextCursor: matching.length > limit && last ? String(last.id) : undefined };
  }

  async list(query: PromotionQuery) {
    this.record('list', [query]);
    const statuses = typeof query.status === 'string' ? [query.status] : query.status;
    const promotions = [...this.promotions.values()].filter(
      (p) => statuses === undefined || statuses.includes(p.status),
    );
    return { promotions: promotions.slice(0, query.limit ?? 50), nextCursor: undefined };
  }

  private async change(id: string, status: PromotionStatus): Promise<Promotion> {
    const promotion = this.promotions.get(id);
    if (promotion === undefined) throw new Error(`fake: no promotion ${id}`);
    const changed = { ...promotion, status, updatedAt: new Date(promotion.updatedAt.getTime() + 1000) };
    this.promotions.set(id, changed);
    return changed;
  }

  async approvals(ids: readonly string[]): Promise<ReadonlyMap<string, readonly Approval[]>> {
    this.record('approvals', [ids]);
    return new Map(ids.flatMap((id) => (this.decisions.has(id) ? [[id, this.decisions.get(id) ?? []]] : [])));
  }

  private decide(
    id: string,
    actor: Actor,
    decision: Approval['decision'],
    comment: string | undefined,
  ): void {
    const list = this.decisions.get(id) ?? [];
    list.push({
      promotionId: id,
      approver: actor.name,
      approverKey: actor.key ?? actor.name,
      decision,
      comment: comment ?? null,
      at: new Date(),
    });
    this.decisions.set(id, list);
  }

  async approve(id: string, actor: Actor, comment?: string): Promise<Promotion> {
    this.record('approve', [id, actor, comment]);
    this.decide(id, actor, 'approve', comment);
    return this.change(id, 'queued');
  }

  async reject(id: string, actor: Actor, comment?: string): Promise<Promotion> {
    this.record('reject', [id, actor, comment]);
    this.decide(id, actor, 'reject', comment);
    return this.change(id, 'rejected');
  }

  async cancel(id: string, actor: Actor): Promise<Promotion> {
    this.record('cancel', [id, actor]);
    return this.change(id, 'cancelled');
  }

  async rerun(id: string, actor: Actor): Promise<AcceptResult> {
    this.record('rerun', [id, actor]);
    const promotion = this.add({ rerunOf: id });
    return { promotion, created: true };
  }

  async rollback(id: string, actor: Actor): Promise<AcceptResult> {
    this.record('rollback', [id, actor]);
    const promotion = this.add({ rollbackOf: id });
    return { promotion, created: true };
  }

  /** What `releases` and `release` answer; tests put releases here. */
  readonly heldReleases: Release[] = [];

  async releases(filter: ListReleasesFilter): Promise<Release[]> {
    this.record('releases', [filter]);
    return this.heldReleases.filter(
      (r) =>
        (filter.environment === undefined || r.environment === filter.environment) &&
        (filter.repository === undefined || r.repository === filter.repository) &&
        (filter.rule === undefined || r.rule === filter.rule),
    );
  }

  async release(
    environment: string | null,
    repository: string,
    tag: string,
  ): Promise<{ release: Release; history: ReleaseEntry[] } | undefined> {
    this.record('release', [environment, repository, tag]);
    const release = this.heldReleases.find(
      (r) => r.environment === environment && r.repository === repository && r.tag === tag,
    );
    if (release === undefined) return undefined;
    const { digest, previousDigest, promotionId, kind, promotedBy, since } = release;
    return { release, history: [{ digest, previousDigest, promotionId, kind, promotedBy, at: since }] };
  }

  subscribe(id: string | undefined, listener: (update: PromotionUpdate) => void): () => void {
    this.calls.push({ method: 'subscribe', args: [id] });
    const entry = { id, listener };
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly service: FakePromotionService;
  readonly config: FerryConfig;
  readonly metrics: FerryMetrics;
  /** Every log line written so far (JSON text). */
  readonly logs: string[];
}

export interface TestAppOptions {
  readonly config?: FerryConfig | undefined;
  readonly ready?: (() => Readiness | Promise<Readiness>) | undefined;
  readonly heartbeatMs?: number | undefined;
  readonly queueDepth?: (() => number | Promise<number>) | undefined;
  readonly promotionsRunning?: (() => number | Promise<number>) | undefined;
  readonly extra?: Partial<HttpAppOptions> | undefined;
}

export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = options.config ?? testConfig();
  const service = new FakePromotionService(config);
  const metrics = createMetrics({
    queueDepth: options.queueDepth,
    promotionsRunning: options.promotionsRunning,
  });
  const logs: string[] = [];
  const app = createHttpApp({
    config,
    service,
    logger: { level: 'debug', stream: { write: (line) => logs.push(line) } },
    metrics,
    version: '0.1.0-test',
    ready: options.ready ?? (() => ({ ready: true })),
    env: {},
    heartbeatMs: options.heartbeatMs,
    // Every answer the HTTP tests provoke is checked against the API contract.
    checkResponses: true,
    ...options.extra,
  });
  // A contract violation already turned its answer into a 500; closing the app also fails the suite
  // that provoked it, even when that test did not look at the status.
  app.addHook('onClose', async () => {
    const violations = logs.filter((line) => line.includes(CONTRACT_VIOLATION_LOG));
    if (violations.length > 0) throw new Error(`${CONTRACT_VIOLATION_LOG}:\n${violations.join('\n')}`);
  });
  await app.ready();
  return { app, service, config, metrics, logs };
}

/** A fresh webhook id per call, so tests sharing a database never collide. */
export function newDeliveryId(prefix = 'msg'): string {
  return `${prefix}_${randomUUID()}`;
}

export interface SignedRequest {
  readonly headers: Record<string, string>;
  readonly payload: string;
}

/** A Standard Webhooks request for `body`, signed with the test secret (or `secret`). */
export function standardWebhook(
  body: unknown,
  options: { id?: string; timestamp?: number; secret?: string; contentType?: string } = {},
): SignedRequest {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const id = options.id ?? newDeliveryId();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    payload,
    headers: {
      'content-type': options.contentType ?? 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signStandardWebhook(options.secret ?? SECRETS.standard, id, timestamp, payload),
    },
  };
}

/** The body `ferry trigger --image team-a/app --tag <tag> --to prod` sends. */
export function triggerBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'promotion.requested',
    data: { image: 'team-a/app', tag: COMMIT, to: 'prod', ...overrides },
  };
}

/**
 * Byte for byte what the seed's non-prod Jenkinsfile posts: `JsonOutput.toJson(["env": params])`, sent
 * with `curl -H "Content-Type: application/json"`.
 */
export const SEED_BODY =
  `{"env":{"IMAGE_NAME":"myapp","NON_PROD_REGISTRY":"${NONPROD_REGISTRY}",` +
  `"PROD_REGISTRY":"${PROD_REGISTRY}","NON_PROD_PROJECT_NAME":"myproject-dev",` +
  `"PROD_PROJECT_NAME":"myproject-prod","GIT_COMMIT":"${COMMIT}"}}`;
