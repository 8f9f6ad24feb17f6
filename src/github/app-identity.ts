/**
 * Who KubeCure is on GitHub: its bot account `<slug>[bot]`, read once at start (GET /app). Once it
 * is known, only that account's comments and threads count as KubeCure's, so another GitHub App
 * installed on the repository cannot imitate a sticky comment or a thread. Until then (or when
 * GitHub could not say), any GitHub App's bot account counts: GitHub guarantees that much about an
 * author, and a human quoting KubeCure's markers is never taken for it either way.
 */
let ownLogin: string | undefined;

export function rememberAppSlug(slug: string): void {
  ownLogin = `${slug}[bot]`;
}

/** For tests: back to "not known yet". */
export function forgetAppIdentity(): void {
  ownLogin = undefined;
}

export function knownAppLogin(): string | undefined {
  return ownLogin;
}

/** Whether an author is KubeCure's bot account (see above for the time before it is known). */
export function isOwnBot(user: { login?: string; type?: string } | null | undefined): boolean {
  if (!user?.login) return false;
  if (ownLogin) return user.login === ownLogin;
  return user.type === 'Bot' && user.login.endsWith('[bot]');
}

/**
 * Reads the App's slug with the App's own credentials and remembers it. Never throws: without it,
 * KubeCure falls back to recognizing any App's bot account, and says so in the log.
 */
export async function learnAppIdentity(readSlug: () => Promise<string | undefined>, warn: (error: unknown) => void): Promise<void> {
  try {
    const slug = await readSlug();
    if (slug) rememberAppSlug(slug);
    else warn(new Error('GitHub returned no slug for the App'));
  } catch (error) {
    warn(error);
  }
}
