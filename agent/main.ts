/**
 * The agent's entry point: read config, start the health/metrics server and the agent, and shut
 * down cleanly on SIGTERM (watches closed, in-flight collections finished, outbox file flushed).
 */
import { createAgent, refreshGauges } from './agent.js';
import { ConfigError, loadConfig } from './config.js';
import { createJsonLogger } from './log.js';
import { createMetrics } from './serve/metrics.js';
import { startHealthServer } from './serve/health-server.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      createJsonLogger().error({ err: error }, 'invalid configuration');
      process.exit(2);
    }
    throw error;
  }
  const logger = createJsonLogger(config.logLevel);
  const agent = createAgent(config, { logger, metrics: createMetrics({ defaultMetrics: true }) });
  const health = await startHealthServer({
    port: config.port,
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

main().catch((error: unknown) => {
  createJsonLogger().error({ err: error }, 'agent crashed');
  process.exit(1);
});
