/**
 * A relist parses every object page by page; once it is projected into the slim cache the pages
 * are garbage, but V8 keeps the heap it grew to until a full collection happens to run, which in a
 * process that then mostly waits can be a long time. When Node runs with `--expose-gc` (the image
 * does, a choice measured in agent/README.md) a full collection right after each relist returns
 * that memory, so the steady resident set is the live cache rather than the relist's high water.
 */
export function releaseAfterRelist(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) setTimeout(gc, 0).unref();
}
