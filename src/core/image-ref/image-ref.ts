/** A parsed container image reference `NAME[:TAG][@DIGEST]`. */
export interface ImageRef {
  /** Repository name including the registry domain when one is given: `ghcr.io/acme/app`. */
  readonly name: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Why a piece of text is not a valid image reference, with the offending part. */
export interface ImageRefError {
  readonly message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ImageRefError };
