// Several replicas of the app, each in its own process (bench/app-process.mjs, the built app), sharing
// one real Redis, behind a small balancer that plays the Kubernetes Service: every webhook goes to the
// next replica that accepts connections (a stopped or killed replica refuses them, and the next one gets
// the request). The twin sends its webhooks to the balancer. For the fleet's tests and benchmark.
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import { freePort, startHarness, type Harness, type HarnessOptions } from "../twin/harness.js";
import { forkApp, type AppCommit } from "./app-child.js";
import { manifestsRepoFiles } from "../twin/fixtures/manifests-repo.js";

type AppProcess = Awaited<ReturnType<typeof forkApp>>;

export interface Replica {
  readonly id: string;
  readonly port: number;
  alive(): boolean;
  /** SIGTERM (graceful, the default) or SIGKILL; resolves once the process exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the replica's process again (after `stop`), with the same id and port. */
  start(): Promise<void>;
  idle(): Promise<void>;
  metricsText(): Promise<string>;
}

export interface FleetRig {
  readonly harness: Harness;
  readonly replicas: readonly Replica[];
  /** Every commit the replicas made on acme/manifests, in the order they told. */
  readonly commits: AppCommit[];
  /** When the first commit carrying each build (delivery id) landed. */
  readonly committedAt: Map<string, number>;
  /** Resolves when every running replica is idle (the fleet's intake and queues included). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export interface FleetOptions {
  readonly replicas: number;
  readonly redisUrl: string;
  readonly repos: HarnessOptions["repos"];
  /** More environment for every replica (WARM_UP, RECONCILE_SCHEDULE, ...). */
  readonly env?: Record<string, string>;
}

export async function startFleet(options: FleetOptions): Promise<FleetRig> {
  const commits: AppCommit[] = [];
  const committedAt = new Map<string, number>();
  const onCommit = (commit: AppCommit): void => {
    if (commit.repo !== "manifests") return;
    commits.push(commit);
    for (const id of commit.builds) if (!committedAt.has(id)) committedAt.set(id, commit.at);
  };
  const replicas: FleetReplica[] = [];
  let balancer: ReturnType<typeof createServer> | undefined;
  const harness = await startHarness({
    repos: options.repos,
    startApp: async (env) => {
      for (let index = 0; index < options.replicas; index += 1) {
        const replicaEnv = {
          ...env,
          ...options.env,
          PORT: String(await freePort()),
          REDIS_URL: options.redisUrl,
          REPLICA_ID: `r${index + 1}`,
        };
        const replica = new FleetReplica(replicaEnv, onCommit);
        await replica.start();
        replicas.push(replica);
      }
      balancer = await listenBalancer(Number(env["PORT"]), replicas);
      return {
        stop: async () => {
          await Promise.all(replicas.map((replica) => replica.stop()));
          await new Promise<void>((resolve) => (balancer ? balancer.close(() => resolve()) : resolve()));
        },
      };
    },
    appIdle: () => idle(),
  });
  const idle = async (): Promise<void> => {
    await Promise.all(replicas.filter((replica) => replica.alive()).map((replica) => replica.idle()));
  };
  return { harness, replicas, commits, committedAt, idle, close: () => harness.close() };
}

class FleetReplica implements Replica {
  readonly id: string;
  readonly port: number;
  private process: AppProcess | undefined;

  constructor(
    private readonly env: Record<string, string>,
    private readonly onCommit: (commit: AppCommit) => void,
  ) {
    this.id = env["REPLICA_ID"] ?? "?";
    this.port = Number(env["PORT"]);
  }

  alive(): boolean {
    return this.process?.alive() ?? false;
  }

  /** Starts the process and waits until `/healthz` says it is ready (as the Service would), at most 30 s. */
  async start(): Promise<void> {
    this.process = await forkApp(this.env, this.onCommit);
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      const status = await fetch(`http://127.0.0.1:${this.port}/healthz`).then(
        (answer) => answer.status,
        () => 0,
      );
      if (status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`replica ${this.id} was not ready within 30 s`);
  }

  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    await this.process?.stop(signal);
  }

  idle(): Promise<void> {
    return this.running().idle();
  }

  metricsText(): Promise<string> {
    return this.running().metricsText();
  }

  private running(): AppProcess {
    if (!this.process?.alive()) throw new Error(`replica ${this.id} is not running`);
    return this.process;
  }
}

/** The Service: each request to the next replica that accepts the connection, round robin. */
async function listenBalancer(
  port: number,
  replicas: readonly Replica[],
): Promise<ReturnType<typeof createServer>> {
  let next = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      for (let tried = 0; tried < replicas.length; tried += 1) {
        const replica = replicas[next++ % replicas.length]!;
        if (!replica.alive()) continue;
        if (await forward(req, body, replica.port, res)) return;
      }
      res.writeHead(503, { "content-type": "text/plain" }).end("no replica accepted the connection\n");
    })();
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return server;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Sends the request to one replica; false when it refused the connection (the next one is tried). */
function forward(req: IncomingMessage, body: Buffer, port: number, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const upstream = request(
      { host: "127.0.0.1", port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.once("end", () => resolve(true));
        answer.once("error", () => resolve(true));
      },
    );
    upstream.once("error", (error: NodeJS.ErrnoException) => {
      // Refused: the replica was not listening (stopped, killed), so the next one is asked, as a Service
      // that only routes to ready pods would. Any other failure (a reset: the replica died while answering)
      // is the sender's to see, as GitHub sees a failed delivery.
      if (error.code === "ECONNREFUSED" && !res.headersSent) resolve(false);
      else {
        if (!res.headersSent)
          res.writeHead(502, { "content-type": "text/plain" }).end(`${error.code ?? "error"}\n`);
        else res.destroy();
        resolve(true);
      }
    });
    upstream.end(body);
  });
}

/**
 * The repositories of a fleet run: acme/manifests with `config` and one service folder per name (an
 * overlay per environment), and one source repository per service.
 */
export function serviceRepos(
  config: string,
  names: readonly string[],
  environments: readonly string[],
): NonNullable<HarnessOptions["repos"]> {
  return [
    {
      name: "manifests",
      files: [
        { path: ".github/gitops-image-bot.yml", content: config },
        ...manifestsRepoFiles({ services: names.length, environments }),
      ],
    },
    ...names.map((name) => ({ name, files: [{ path: "Dockerfile", content: "FROM scratch\n" }] })),
  ];
}
