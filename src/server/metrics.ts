/** The App's Prometheus metrics, in their own registry so tests and embedders do not collide. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { WriteBacklog } from '../github/write-budget.js';

/** Reads the shared write backlog of the installations this replica has written to, at scrape time. */
export type WriteBacklogSource = () => Promise<Map<string, WriteBacklog>>;

export class AppMetrics {
  readonly registry = new Registry();
  readonly reportsReceived = new Counter({
    name: 'kubecure_reports_received_total',
    help: 'Reports accepted by the intake, by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly reportsRejected = new Counter({
    name: 'kubecure_reports_rejected_total',
    help: 'Reports rejected by the intake, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly jobs = new Counter({
    name: 'kubecure_jobs_total',
    help: 'Report jobs finished, by outcome (pull_request, issue, recurrence, dropped reasons, error).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly reportsDropped = new Counter({
    name: 'kubecure_reports_dropped_total',
    help: 'Failure reports that led to no new thread, by reason (not-opted-in, cooldown, awaiting-rollout, …).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly pullRequests = new Counter({
    name: 'kubecure_pull_requests_total',
    help: 'Pull requests opened or updated.',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  readonly issues = new Counter({
    name: 'kubecure_issues_total',
    help: 'Issues opened or updated.',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  readonly patchRefusals = new Counter({
    name: 'kubecure_patch_refusals_total',
    help: 'Proposed changes the patch policy refused (shown as suggestions in issues), by reason id.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly configChecks = new Counter({
    name: 'kubecure_config_checks_total',
    help: 'Check runs on pull requests that change .github/kubecure.yml, by conclusion (forbidden: no checks:write).',
    labelNames: ['conclusion'] as const,
    registers: [this.registry],
  });
  readonly modelCalls = new Counter({
    name: 'kubecure_model_calls_total',
    help: 'Calls to the language model, by outcome (ok, or the error kind: rate-limited, unavailable, timeout, refusal, rejected, circuit-open).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly modelTokens = new Counter({
    name: 'kubecure_model_tokens_total',
    help: 'Tokens the provider billed, by kind (prompt, completion; thoughts count as completion).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  /** Read when scraped: 0 closed, 1 half-open, 2 open; no series when no model is configured. */
  circuit: { model: string; state: () => 'closed' | 'open' | 'half-open' } | undefined;
  readonly modelCircuit = new Gauge({
    name: 'kubecure_model_circuit_state',
    help: 'Circuit breaker in front of the model: 0 closed (calls go out), 1 half-open (one trial call), 2 open (rules only).',
    labelNames: ['model'] as const,
    registers: [this.registry],
    collect: () => {
      if (!this.circuit) return;
      this.modelCircuit.set({ model: this.circuit.model }, { closed: 0, 'half-open': 1, open: 2 }[this.circuit.state()]);
    },
  });
  readonly jobDuration = new Histogram({
    name: 'kubecure_job_duration_seconds',
    help: 'Time from job start to its outcome.',
    labelNames: ['outcome'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });

  readonly writes = new Counter({
    name: 'kubecure_github_writes_total',
    help: 'Content-creating GitHub requests made through the write budget, by installation.',
    labelNames: ['installation'] as const,
    registers: [this.registry],
  });
  readonly writePauses = new Counter({
    name: 'kubecure_github_write_pauses_total',
    help: 'Secondary rate limits that paused an installation\'s writes on every replica.',
    labelNames: ['installation'] as const,
    registers: [this.registry],
  });
  #backlogSource: WriteBacklogSource | null = null;
  readonly writeBacklog = new Gauge({
    name: 'kubecure_write_backlog',
    help: 'Writes reserved and not yet due for an installation, across every replica.',
    labelNames: ['installation'] as const,
    registers: [this.registry],
    collect: () => this.#collectBacklog((installation, backlog) => this.writeBacklog.set({ installation }, backlog.writes)),
  });
  readonly writeEta = new Gauge({
    name: 'kubecure_write_eta_seconds',
    help: 'Seconds until an installation\'s reserved writes are due, including a rate-limit pause.',
    labelNames: ['installation'] as const,
    registers: [this.registry],
    collect: () => this.#collectBacklog((installation, backlog) => this.writeEta.set({ installation }, backlog.etaSeconds)),
  });
  readonly queueJobs = new Gauge({
    name: 'kubecure_queue_jobs',
    help: 'Report jobs in the queue by state (waiting, delayed, active), across every replica.',
    labelNames: ['state'] as const,
    registers: [this.registry],
    collect: async () => {
      for (const [state, count] of Object.entries((await this.#queueSource?.().catch(() => null)) ?? {})) this.queueJobs.set({ state }, count);
    },
  });
  #queueSource: (() => Promise<Record<string, number>>) | null = null;

  /** Where the queue gauge reads from (the durable queue's job counts). */
  watchQueue(source: () => Promise<Record<string, number>>): void {
    this.#queueSource = source;
  }

  /** Where the write backlog gauges read from (the runtime's write budget). */
  watchWriteBacklog(source: WriteBacklogSource): void {
    this.#backlogSource = source;
  }

  async #collectBacklog(record: (installation: string, backlog: WriteBacklog) => void): Promise<void> {
    if (!this.#backlogSource) return;
    for (const [installation, backlog] of await this.#backlogSource()) record(installation, backlog);
  }

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'kubecure_' });
  }
}
