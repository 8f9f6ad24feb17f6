/**
 * Log tails for the failing container: the previous instance (where a crash explains itself) and
 * the current one, each bounded in bytes and lines. The kubelet answers 400 when there is no
 * previous instance or the container never started; that is normal, not an error.
 */
import { httpStatusOf, type KubeReader } from './kube-reader.js';

export interface LogTails {
  previous?: string;
  current?: string;
  truncated: boolean;
}

export async function collectLogs(
  reader: KubeReader,
  target: { namespace: string; name: string; container: string },
  limits: { bytes: number; tailLines: number },
): Promise<{ logs: LogTails; failed: boolean }> {
  let failed = false;
  const read = async (previous: boolean): Promise<string | undefined> => {
    try {
      return await reader.podLog({ ...target, previous, limitBytes: limits.bytes, tailLines: limits.tailLines });
    } catch (error) {
      if (httpStatusOf(error) !== 400) failed = true;
      return undefined;
    }
  };
  const [previous, current] = await Promise.all([read(true), read(false)]);
  const logs: LogTails = { truncated: false };
  if (previous) logs.previous = previous;
  if (current) logs.current = current;
  logs.truncated = [previous, current].some((text) => text !== undefined && Buffer.byteLength(text) >= limits.bytes);
  return { logs, failed };
}
