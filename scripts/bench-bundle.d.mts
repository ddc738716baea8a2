/** The bundle of a TypeScript entry (relative to the repository root) in dist-bench/, as its absolute path. */
export function bundleForBench(entry: string): Promise<string>;
