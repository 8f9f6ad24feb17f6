/** Dispatches queued jobs by type; recovery reports go to whoever registered for them. */
import type { Logger } from '../logger.js';
import type { RecoveryReport } from '../report/schema.js';
import type { JobHandler, JobInfo } from '../queue/types.js';
import type { ReportProcessor } from './process-report.js';

export type RecoveryHandler = (report: RecoveryReport, info: JobInfo & { deliveryId: string }) => Promise<void>;

export function createJobHandler(processor: ReportProcessor, logger: Logger, onRecovery?: RecoveryHandler): JobHandler {
  return async (job, info) => {
    if (job.type === 'failure') {
      await processor.process({ report: job.report, deliveryId: job.deliveryId }, info);
      return;
    }
    if (!onRecovery) {
      logger.info({ jobId: info.id, workload: job.report.workload }, 'Recovery report received; no recovery handler is registered');
      return;
    }
    await onRecovery(job.report, { ...info, deliveryId: job.deliveryId });
  };
}
