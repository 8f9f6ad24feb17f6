/**
 * Kubernetes resource quantities (`512Mi`, `1.5Gi`, `500m`, `1e3`, `2G`): parsing to a number of
 * base units (bytes or cores) and formatting memory back to a clean, human-chosen quantity.
 */

const BINARY_SUFFIXES: Record<string, number> = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};
const DECIMAL_SUFFIXES: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
};

const QUANTITY_PATTERN = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** The quantity in base units (bytes for memory, cores for cpu), or null when it is not a quantity. */
export function parseQuantity(quantity: string | number): number | null {
  if (typeof quantity === 'number') return Number.isFinite(quantity) ? quantity : null;
  const match = QUANTITY_PATTERN.exec(quantity.trim());
  if (!match) return null;
  const [, digits, suffix, exponent] = match;
  const value = Number(digits);
  if (exponent !== undefined) return value * 10 ** Number(exponent);
  if (suffix === undefined) return value;
  return value * (BINARY_SUFFIXES[suffix] ?? DECIMAL_SUFFIXES[suffix] ?? Number.NaN);
}

const MI = 2 ** 20;
const GI = 2 ** 30;

/**
 * Rounds bytes up to a quantity a person would write: whole Gi at or above 2Gi, else a multiple
 * of 64Mi (so 300Mi becomes 320Mi, 1.3Gi becomes 1344Mi, 2.2Gi becomes 3Gi).
 */
export function formatMemory(bytes: number): string {
  if (bytes >= 2 * GI) return `${Math.ceil(bytes / GI - 1e-9)}Gi`;
  const mebibytes = Math.ceil(bytes / MI - 1e-9);
  const rounded = Math.max(64, Math.ceil(mebibytes / 64) * 64);
  return rounded % 1024 === 0 ? `${rounded / 1024}Gi` : `${rounded}Mi`;
}

/** Rounds cores up to millicores (`250m`) or whole cores (`2`). */
export function formatCpu(cores: number): string {
  const millicores = Math.ceil(cores * 1000 - 1e-9);
  return millicores % 1000 === 0 ? String(millicores / 1000) : `${millicores}m`;
}

