import { afterAll } from "bun:test";
import { stopCluster } from "./helpers/cluster";

// Runs once after every test file: drop the run's databases, stop the embedded server.
afterAll(async () => {
  await stopCluster();
});
