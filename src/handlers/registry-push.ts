import { z } from "zod";

/** Which registry sent a push: each has its own endpoint and payload. */
export type RegistryName = "harbor" | "dockerhub" | "quay";

/** One tag pushed to a registry: the image (registry host and repository, no tag), the tag, its digest if told. */
export interface RegistryPush {
  readonly registry: RegistryName;
  readonly image: string;
  readonly tag: string;
  readonly digest: string | undefined;
  /** A link to the repository on the registry, when the payload gives one. */
  readonly url: string | undefined;
}

/**
 * What a registry's payload says: tags pushed; an event that is not a push (answered 202, nothing
 * done); or a body that is not the registry's push at all (400 with the reason).
 */
export type PushParse =
  | { readonly kind: "pushes"; readonly pushes: readonly RegistryPush[] }
  | { readonly kind: "ignored"; readonly reason: string }
  | { readonly kind: "invalid"; readonly reason: string };

/** A digest as registries write it; anything else is dropped (the tag still deploys, unpinned). */
export function digestOrUndefined(digest: string | undefined): string | undefined {
  return digest !== undefined && /^sha256:[0-9a-f]{64}$/.test(digest) ? digest : undefined;
}

/** An http(s) link, or undefined: a payload's link goes into pull request bodies. */
export function linkOrUndefined(url: string | undefined): string | undefined {
  return url !== undefined && /^https?:\/\/[^\s]+$/i.test(url) ? url : undefined;
}

/** The first problem zod found, as `field: message`. */
export function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join(".") || "(body)"}: ${issue.message}` : "invalid body";
}
