/**
 * The agent's entry point: read config, start the health/metrics server and the agent, and shut
 * down cleanly on SIGTERM (watches closed, in-flight collections finished, outbox file flushed).
 */
import { createAgent, refreshGauges } from './agent.js';
import { ConfigError, loadConfig } from './config.js';
import { makeKubeConfig } from './kubeconfig.js';
import { createJsonLogger } from './log.js';
import { createMetrics } from './serve/metrics.js';
import { ListenError, startHealthServer } from './serve/health-server.js';

async function main(): Promise<void> {
  let config;
  let kubeConfig;
  try {
    config = loadConfig();
    kubeConfig = makeKubeConfig({ apiUrl: config.kubeApiUrl, token: config.kubeToken });
  } catch (error) {
    if (error instanceof ConfigError) {
      createJsonLogger().error({ err: error }, 'invalid configuration');
      process.exit(2);
    }
    throw error;
  }
  const logger = createJsonLogger(config.logLevel);
  const agent = createAgent(config, { logger, kubeConfig, metrics: createMetrics({ defaultMetrics: true }) });
  const health = await startHealthServer({
    port: config.port,
    host: config.bindAddress,
    isReady: () => agent.isReady(),
    registry: agent.metrics.registry,
    beforeScrape: () => refreshGauges(agent),
  });
  agent.start();

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => process.exit(1), 20_000);
    deadline.unref();
    await agent.stop();
    await health.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

// Anything that escapes still leaves one JSON line naming it, for the log collector to keep.
process.on('uncaughtException', (error) => {
  createJsonLogger().error({ err: error }, 'agent crashed');
  process.exit(1);
});

main().catch((error: unknown) => {
  if (error instanceof ListenError) {
    createJsonLogger().error({ err: error, code: error.code }, 'cannot start the health server');
    process.exit(2);
  }
  createJsonLogger().error({ err: error }, 'agent crashed');
  process.exit(1);
});
