/** The exit codes of the `gitops-image-bot` commands: a contract other tools rely on. */
export const EXIT = {
  /** Written, or already up to date. */
  ok: 0,
  /** Anything else: unreadable file, an edit refused by verification, a value that cannot be written. */
  failure: 1,
  /** Bad input: invalid reference, YAML that does not parse, unknown format. Nothing written. `validate`: a problem, or a file that does not exist. */
  badInput: 2,
  /** The image is not referenced in a Helm values or manifests file. Nothing written. */
  notReferenced: 3,
  /** `reconcile`: a pass ran out of its request budget before it read everything. */
  incomplete: 4,
  /** `notify-build`: the bot refused the build (a 4xx: signature, body, endpoint off). Not retried. */
  refused: 5,
  /** `notify-build`: no answer from the bot (network error, timeout) or a 5xx, after the retries. */
  unreachable: 6,
} as const;
