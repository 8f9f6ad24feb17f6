/** Cascading failures: evidence the agent gathers, correlation the App runs, the section it renders. */
export { extractDependencies, type DependencyInput, type ServiceInfo } from './evidence.js';
export { correlate, DEFAULT_WINDOW_MS, type CorrelateOptions, type CorrelationEdge, type CorrelationGroup, type CorrelationResult, type Dependent } from './rank.js';
export { buildDependencyGraph, type DependencyEdge, type DependencyGraph, type WorkloadNode } from './graph.js';
export {
  Correlator,
  DEFAULT_GRACE_MS,
  MemoryWindowStore,
  RedisWindowStore,
  type CorrelationVerdict,
  type CorrelatorOptions,
  type GroupMember,
  type RecoveryWithRoot,
  type ReportWindowStore,
} from './correlator.js';
export { renderBlastRadius } from './render.js';
export { correlationFingerprint, type Fingerprinter } from './fingerprint.js';
