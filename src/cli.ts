#!/usr/bin/env node
import { nodeIo } from "./cli/cli-io.js";
import { main } from "./cli/main.js";

process.exitCode = await main(process.argv.slice(2), nodeIo);
