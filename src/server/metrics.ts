/** The App's Prometheus metrics, in their own registry so tests and embedders do not collide. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'kubecure_' });
  }
}
