/**
 * Who may run commands that write. `permission` alone is the legacy level (maintain shows as
 * `write`, triage as `read`), so the `user.permissions` booleans are read first.
 */
import type { GitHub, RepoRef } from '../github/octokit.js';

export async function canWrite(octokit: GitHub, repository: RepoRef, username: string): Promise<boolean> {
  const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repository, username });
  const flags = data.user?.permissions;
  if (flags) return Boolean(flags.admin || flags.maintain || flags.push);
  return data.permission === 'admin' || data.permission === 'maintain' || data.permission === 'write';
}
