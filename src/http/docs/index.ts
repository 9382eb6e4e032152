import type { OperationDoc } from "../openapi";
import { accountOperations } from "./account";
import { consoleOperations } from "./console";
import { marketOperations } from "./market";
import { positionsOperations } from "./positions";
import { strategyOperations } from "./strategy";
import { systemOperations } from "./system";
import { tradingOperations } from "./trading";

/**
 * Every documented route. A new route adds its entry to the file of its resource here (or a new file, listed
 * below); test/http/openapi.test.ts fails on any registered route that is missing.
 */
export const API_OPERATIONS: readonly OperationDoc[] = [
  ...systemOperations,
  ...accountOperations,
  ...tradingOperations,
  ...marketOperations,
  ...strategyOperations,
  ...positionsOperations,
  ...consoleOperations,
];
