// From a failed build's output, the part a person needs: the compiler's error lines with a little context,
// and make's own first error, instead of a thousand lines of make.
export function extractBuildErrors(output: string, max = 20): string {
  const lines = output.split('\n');
  const picked = new Set<number>();
  lines.forEach((l, i) => {
    if (
      /(^|\s)(fatal )?error:|undefined reference to|: Error \d+|No rule to make target|No space left on device/.test(l)
    ) {
      // The "In function" line and the source excerpt the compiler prints around the error.
      for (let j = Math.max(0, i - 1); j <= Math.min(lines.length - 1, i + 3); j++) picked.add(j);
    }
  });
  const out = [...picked].sort((a, b) => a - b).map((i) => lines[i]);
  if (out.length === 0) return lines.filter(Boolean).slice(-max).join('\n');
  return out.slice(0, max).join('\n');
}
