/**
 * Token estimate without a tokenizer. English prose averages about 4 characters per token, but
 * logs are denser (timestamps, hex ids, punctuation each cost a token), so the estimate adds a
 * 25 % safety margin: tokens ≈ ceil(chars / 4 × 1.25) = ceil(chars / 3.2). It over-counts prose
 * and stays close on logs, which keeps a prompt packed to the budget within the budget.
 */
const CHARS_PER_TOKEN = 4;
const SAFETY_MARGIN = 1.25;

export function estimateTokens(text: string): number {
  return Math.ceil((text.length / CHARS_PER_TOKEN) * SAFETY_MARGIN);
}

/** The number of characters that fits in a token budget under the same estimate. */
export function charsForTokens(tokens: number): number {
  return Math.max(0, Math.floor((tokens * CHARS_PER_TOKEN) / SAFETY_MARGIN));
}
