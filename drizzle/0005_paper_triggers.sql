CREATE TABLE "paper_prices" (
	"symbol" text PRIMARY KEY NOT NULL,
	"price" numeric NOT NULL,
	"pinned_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "paper_orders" ADD COLUMN "trigger_price" numeric;--> statement-breakpoint
ALTER TABLE "paper_orders" ADD COLUMN "triggered_at" timestamp with time zone;