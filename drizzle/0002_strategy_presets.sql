CREATE TABLE "strategy_presets" (
	"name" text PRIMARY KEY NOT NULL,
	"rules" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "watchlist_items" ALTER COLUMN "min_price_change_pct" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "watchlist_items" ALTER COLUMN "min_price_change_pct" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "watchlist_items" ALTER COLUMN "cooldown_seconds" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "watchlist_items" ALTER COLUMN "cooldown_seconds" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "market_data" ADD COLUMN "volume_24h" numeric;--> statement-breakpoint
ALTER TABLE "market_data" ADD COLUMN "levels" jsonb;--> statement-breakpoint
ALTER TABLE "market_data" ADD COLUMN "strategy_state" jsonb;--> statement-breakpoint
ALTER TABLE "watchlist_items" ADD COLUMN "buy_alert_enabled" boolean;--> statement-breakpoint
ALTER TABLE "watchlist_items" ADD COLUMN "sell_alert_enabled" boolean;--> statement-breakpoint
ALTER TABLE "watchlist_items" ADD COLUMN "preset" text DEFAULT 'swing-conservative' NOT NULL;--> statement-breakpoint
ALTER TABLE "watchlist_items" ADD COLUMN "strategy_overrides" jsonb DEFAULT '{}'::jsonb NOT NULL;