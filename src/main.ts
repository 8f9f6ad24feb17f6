/**
 * The App as shipped (`npm start`, the container image): Probot's server running `src/index.ts`.
 *
 * KubeCure keeps Redis to itself. Probot is not told `REDIS_URL`, so its clustered Bottleneck
 * throttle stays off: that throttle fails with `SETTINGS_KEY_NOT_FOUND` once its keys expire
 * during an idle spell and ignores `KUBECURE_QUEUE_PREFIX`. KubeCure's own write budget paces
 * writes per installation across every replica instead (src/github/write-budget.ts); Probot keeps
 * its in-memory throttle and its retries for everything else.
 */
import { existsSync } from 'node:fs';
import { run } from 'probot';
import kubecure from './index.js';

// Probot reads `.env` itself, but only after the environment handed to it below is built.
if (existsSync('.env')) process.loadEnvFile('.env');
const { REDIS_URL: _keptForKubeCure, ...probotEnv } = process.env;
await run(kubecure, { env: probotEnv });
