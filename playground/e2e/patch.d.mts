/** `before` with the unified `diff` applied; throws when a context or removed line is not the input's. */
export function applyUnifiedDiff(before: string, diff: string): string;
