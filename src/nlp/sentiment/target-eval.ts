// Tone toward each target, measured (filled in below).
export function evaluateTargets(_dir: string): { markdown: string; figures: Record<string, unknown> } {
  return { markdown: '', figures: {} };
}
