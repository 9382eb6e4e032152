import { afterAll } from "bun:test";
import { stopCluster } from "./helpers/cluster";

// Runs once after every test file: drop the run's databases, stop the embedded server.
// Its own time limit: on a busy shared server, dropping a run's databases can take longer than one test.
afterAll(async () => {
  await stopCluster();
}, 120_000);
