// The package's library entry: the pure rewriting core. The Probot app will be wired in src/app.ts.
export * from "./core/index.js";
