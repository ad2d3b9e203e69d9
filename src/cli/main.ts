import type { CliIo } from "./cli-io.js";
import { EXIT } from "./exit-codes.js";
import { SET_IMAGE_USAGE, setImageCommand } from "./set-image.js";
import { RECONCILE_USAGE, reconcileCommand } from "./reconcile.js";
import { VALIDATE_USAGE, validateCommand } from "./validate.js";
import { REPORT_USAGE, reportCommand } from "./report.js";
import { NOTIFY_BUILD_USAGE, notifyBuildCommand } from "./notify-build.js";

const USAGE = `Usage: gitops-image-bot <command> [options]

Commands:
  set-image <file> <ref>...   set image tags, digests or names in a kustomization, Helm values or manifests
  reconcile                   one reconciliation pass over the app's installations, then exit
  validate [FILE...]          check the configuration (and, with --state, the holds and freezes file)
  report [--since 30d]        delivery figures (DORA) per environment, read from the manifests history
  notify-build --url U ...    send a successful build of any CI to the bot's POST /api/builds, signed

Run 'gitops-image-bot <command> --help' for a command's options.
`;

/** Runs one CLI invocation and returns its exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "set-image":
      return setImageCommand(rest, io);
    case "reconcile":
      return reconcileCommand(rest, io);
    case "validate":
      return validateCommand(rest, io);
    case "report":
      return reportCommand(rest, io);
    case "notify-build":
      return notifyBuildCommand(rest, io);
    case "help":
    case "--help":
    case "-h":
      io.stdout(
        `${USAGE}\n${SET_IMAGE_USAGE}\n${RECONCILE_USAGE}\n${VALIDATE_USAGE}\n${REPORT_USAGE}\n${NOTIFY_BUILD_USAGE}`,
      );
      return EXIT.ok;
    default:
      io.stderr(`${command === undefined ? "no command given" : `unknown command "${command}"`}\n\n${USAGE}`);
      return EXIT.badInput;
  }
}
