/** The shape of one run's results, as written to bench/results/<run>.json. */
import type { AppFacts } from "./context";
import type { FreshnessReport } from "./freshness";
import type { GeneratedDataset } from "./generate";
import type { GrowthStep } from "./growth";
import type { ScenarioResult } from "./measure";
import type { Profile } from "./profile";
import type { ImportReport } from "./storm";
import type { Toolset } from "./tools";

/** Everything one run measured, as written to bench/results/<run>.json. */
export interface RunResults {
  run_id: string;
  started_at: string;
  finished_at: string;
  duration_s: number;
  quick: boolean;
  machine: { cpus: number; load_average_before: number[]; bun: string; database: "embedded" | "external" };
  tools: Toolset;
  profile: Profile;
  dataset: GeneratedDataset | null;
  apps: AppFacts[];
  import: ImportReport | null;
  /** Commit → visible timings, idle (many stream clients) and during the import. */
  freshness: FreshnessReport[];
  /** The latest `--growth` run found in bench/results (it runs on its own: 10 M orders take long to make). */
  growth?: { run_id: string; steps: GrowthStep[] } | null;
  scenarios: ScenarioResult[];
  targets: TargetRow[];
  /** Set when the run stopped before its end. */
  error?: string;
}

/** One SPEC §9 target, judged. */
export interface TargetRow {
  target: string;
  measured: string;
  limit: string;
  verdict: "PASS" | "FAIL" | "n/a";
  /** Where the time or the CPU went in the scenarios behind the row (measured), for a failing row. */
  limited_by?: string;
}
