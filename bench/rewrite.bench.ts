import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { setImages, type ImageUpdate } from "../src/core/index.js";
import type { Measurement } from "./run.js";

/** Runs `operation` for about `millis` after a warm-up and returns operations per second. */
function perSecond(operation: (iteration: number) => void, millis = 2000): number {
  for (let i = 0; i < 200; i++) operation(i);
  let count = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(millis) * 1_000_000n;
  while (process.hrtime.bigint() - start < budget) {
    for (let i = 0; i < 50; i++) operation(count++);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return Math.round(count / seconds);
}

/** 40 workloads of about 50 lines each, every one with an init container and a sidecar. */
function manifest2000(): string {
  const doc = (i: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: service-${i}
  labels:
    app.kubernetes.io/name: service-${i}
    app.kubernetes.io/part-of: shop
spec:
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: service-${i}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: service-${i}
      annotations:
        prometheus.io/scrape: "true"
    spec:
      serviceAccountName: service-${i}
      initContainers:
        - name: migrate
          image: ghcr.io/acme/service-${i}:1a2b3c4 # same build as the app
          command: ["/app/migrate"]
      containers:
        - name: app
          image: ghcr.io/acme/service-${i}:1a2b3c4
          ports:
            - containerPort: 8080
              name: http
          env:
            - name: LOG_LEVEL
              value: info
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              memory: 256Mi
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
        - name: proxy
          image: envoyproxy/envoy:v1.29.1
          args: ["--config-path", "/etc/envoy/envoy.yaml"]
      nodeSelector:
        kubernetes.io/os: linux
`;
  return Array.from({ length: 40 }, (_, i) => doc(i)).join("---\n");
}

function rate(path: string, text: string, updates: (i: number) => ImageUpdate[]): number {
  return perSecond((i) => {
    const result = setImages({ path, text, updates: updates(i) });
    if (!result.ok || !result.changed) throw new Error(`benchmark rewrite did not change ${path}`);
  });
}

/** The floor: one parse of the file by the YAML library, which every rewrite needs at least once. */
function parseRate(text: string): number {
  return perSecond(() => {
    if (parseAllDocuments(text).length === 0) throw new Error("nothing parsed");
  });
}

export function rewriteBenchmarks(): Measurement[] {
  const kustomization = readFileSync(new URL("./fixtures/kustomization-40.yaml", import.meta.url), "utf8");
  const manifest = manifest2000();
  const tags = ["1234567", "abcdef1"];
  const kustomizationRate = rate("kustomization.yaml", kustomization, (i) => [
    { name: "payments-api", newName: "*", newTag: tags[i % 2]! },
  ]);
  const kustomizationParse = parseRate(kustomization);
  const manifestRate = rate("workloads.yaml", manifest, (i) => [
    { name: "ghcr.io/acme/service-17", newTag: tags[i % 2]! },
  ]);
  const manifestParse = parseRate(manifest);
  const lines = manifest.split("\n").length - 1;
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  return [
    {
      key: "rewriteKustomizationPerSecond",
      label: "rewrite a 40-line kustomization (one tag)",
      value: kustomizationRate,
      unit: "rewrites/s",
    },
    {
      key: "parseKustomizationPerSecond",
      label: "  yaml parse alone of that file",
      value: kustomizationParse,
      unit: "parses/s",
    },
    {
      key: "rewriteKustomizationCostInParses",
      label: "  one rewrite costs",
      value: ratio(kustomizationParse, kustomizationRate),
      unit: "parses",
    },
    {
      key: "rewriteManifest2000LinesPerSecond",
      label: `rewrite a ${lines}-line, 40-document manifest (one image, 2 containers)`,
      value: manifestRate,
      unit: "rewrites/s",
    },
    {
      key: "parseManifest2000LinesPerSecond",
      label: "  yaml parse alone of that file",
      value: manifestParse,
      unit: "parses/s",
    },
    {
      key: "rewriteManifestCostInParses",
      label: "  one rewrite costs",
      value: ratio(manifestParse, manifestRate),
      unit: "parses",
    },
  ];
}
