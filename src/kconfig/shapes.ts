// Shape checks for kdk's own cache files, by hand: cheaper at start-up than loading a validator library.

export function isStringRecord(v: unknown): v is Record<string, string> {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string')
  );
}
