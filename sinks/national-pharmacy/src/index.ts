// Filled in by the issue work; see package.json for what this package is.
export {};
