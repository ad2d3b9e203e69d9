import { rewrite, rewritten, SHA_A } from "../helpers/rewrite.js";

const M = "workloads.yaml";
const lines = (...rows: string[]) => rows.join("\n") + "\n";
const deployment = (image: string) =>
  lines(
    "apiVersion: apps/v1",
    "kind: Deployment",
    "spec:",
    "  template:",
    "    spec:",
    "      containers:",
    "      - name: app",
    `        image: ${image}`,
  );

describe("plain manifests", () => {
  test("every container list of every workload kind in a multi-document file", () => {
    const input = [
      deployment("ghcr.io/acme/app:v1"),
      lines(
        "apiVersion: batch/v1",
        "kind: CronJob",
        "spec:",
        "  jobTemplate:",
        "    spec:",
        "      template:",
        "        spec:",
        "          initContainers:",
        "          - image: ghcr.io/acme/app:v1 # migrate",
      ),
      lines("# only a comment"),
      lines(
        "apiVersion: v1",
        "kind: Pod",
        "spec:",
        "  ephemeralContainers:",
        '  - image: "ghcr.io/acme/app:v1"',
        "  containers:",
        "  - image: nginx:1.25",
      ),
      lines(
        "apiVersion: apps/v1",
        "kind: StatefulSet",
        "spec:",
        "  template:",
        "    spec:",
        "      containers:",
        `      - image: ghcr.io/acme/app@${SHA_A}`,
      ),
    ].join("---\n");
    const output = rewritten(M, input, "ghcr.io/acme/app:1234567");
    expect(output).toBe(
      input
        .replaceAll("ghcr.io/acme/app:v1", "ghcr.io/acme/app:1234567")
        .replace(`ghcr.io/acme/app@${SHA_A}`, "ghcr.io/acme/app:1234567"),
    );
  });

  test("kind: List items", () => {
    const item = deployment("app:v1")
      .replace(/^/gm, "  ")
      .replace(/^ {2}apiVersion/, "- apiVersion");
    const input = lines("apiVersion: v1", "kind: List", "items:") + item;
    expect(rewritten(M, input, "app:v2")).toBe(input.replace("app:v1", "app:v2"));
  });

  test("a registry port is not a tag", () => {
    const input = deployment("localhost:5000/team/app");
    expect(rewritten(M, input, "localhost:5000/team/app:v2")).toBe(deployment("localhost:5000/team/app:v2"));
  });

  test("Docker Hub short names match their long form", () => {
    expect(rewritten(M, deployment("nginx:1.25"), "docker.io/library/nginx:1.26")).toBe(
      deployment("nginx:1.26"),
    );
  });

  test("NAME=NEWNAME renames the image", () => {
    expect(rewritten(M, deployment("app:v1"), "app=ghcr.io/acme/app:v2")).toBe(
      deployment("ghcr.io/acme/app:v2"),
    );
  });

  test("images outside pod specs are not touched; an unreferenced image is a skip", () => {
    const input = lines("apiVersion: v1", "kind: ConfigMap", "data:", "  image: app:v1");
    const result = rewrite(M, input, "app:v2");
    expect(result.ok && result.skips.map((s) => s.reason)).toEqual(["not-referenced"]);
    expect(result.ok && result.text).toBe(input);
  });
});
