import { createHmac, randomUUID } from "node:crypto";

export interface Delivery {
  readonly id: string;
  readonly event: string;
  readonly action: string | undefined;
  readonly url: string;
  readonly payload: Record<string, unknown>;
  status: number | "error" | "pending";
}

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Sends webhooks as GitHub does: JSON, signed with X-Hub-Signature-256, one delivery id per attempt. */
export class WebhookSender {
  readonly deliveries: Delivery[] = [];
  readonly #pending = new Set<Promise<Delivery>>();

  get pending(): number {
    return this.#pending.size;
  }

  send(input: {
    url: string;
    secret: string;
    event: string;
    payload: Record<string, unknown>;
    deliveryId?: string;
  }): Promise<Delivery> {
    const body = JSON.stringify(input.payload);
    const action = typeof input.payload["action"] === "string" ? input.payload["action"] : undefined;
    const delivery: Delivery = {
      id: input.deliveryId ?? randomUUID(),
      event: input.event,
      action,
      url: input.url,
      payload: input.payload,
      status: "pending",
    };
    this.deliveries.push(delivery);
    const promise = fetch(input.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "GitHub-Hookshot/twin",
        "x-github-event": input.event,
        "x-github-delivery": delivery.id,
        "x-github-hook-id": "1",
        "x-hub-signature-256": sign(input.secret, body),
      },
      body,
    })
      .then(async (response) => {
        await response.arrayBuffer();
        delivery.status = response.status;
        return delivery;
      })
      .catch(() => {
        delivery.status = "error";
        return delivery;
      })
      .finally(() => this.#pending.delete(promise));
    this.#pending.add(promise);
    return promise;
  }

  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }
}
