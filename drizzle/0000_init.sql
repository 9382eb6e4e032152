CREATE TABLE "exchange_balances" (
	"asset" text PRIMARY KEY NOT NULL,
	"free" numeric DEFAULT '0' NOT NULL,
	"locked" numeric DEFAULT '0' NOT NULL,
	"total" numeric DEFAULT '0' NOT NULL,
	"usd_value" numeric,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "market_data" (
	"symbol" text PRIMARY KEY NOT NULL,
	"price" numeric NOT NULL,
	"rsi" numeric,
	"ma50" numeric,
	"ma200" numeric,
	"ema10" numeric,
	"atr" numeric,
	"volume_ratio" numeric,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "exchange_orders" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "exchange_orders_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"exchange_order_id" text NOT NULL,
	"client_oid" text,
	"symbol" text NOT NULL,
	"side" text NOT NULL,
	"order_type" text NOT NULL,
	"status" text NOT NULL,
	"price" numeric,
	"quantity" numeric NOT NULL,
	"cumulative_quantity" numeric DEFAULT '0' NOT NULL,
	"cumulative_value" numeric DEFAULT '0' NOT NULL,
	"avg_price" numeric,
	"fee" numeric DEFAULT '0' NOT NULL,
	"fee_currency" text,
	"exchange_create_time" timestamp with time zone NOT NULL,
	"exchange_update_time" timestamp with time zone NOT NULL,
	"trade_signal_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "exchange_orders_side_check" CHECK ("exchange_orders"."side" in ('BUY', 'SELL')),
	CONSTRAINT "exchange_orders_type_check" CHECK ("exchange_orders"."order_type" in ('MARKET', 'LIMIT', 'STOP_LIMIT', 'TAKE_PROFIT_LIMIT')),
	CONSTRAINT "exchange_orders_status_check" CHECK ("exchange_orders"."status" in ('NEW', 'ACTIVE', 'PARTIALLY_FILLED', 'FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED'))
);
--> statement-breakpoint
CREATE TABLE "paper_balances" (
	"asset" text PRIMARY KEY NOT NULL,
	"free" numeric DEFAULT '0' NOT NULL,
	"locked" numeric DEFAULT '0' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "paper_orders" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "paper_orders_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"order_id" text NOT NULL,
	"client_oid" text,
	"symbol" text NOT NULL,
	"side" text NOT NULL,
	"order_type" text NOT NULL,
	"status" text NOT NULL,
	"price" numeric,
	"quantity" numeric NOT NULL,
	"filled_quantity" numeric DEFAULT '0' NOT NULL,
	"filled_value" numeric DEFAULT '0' NOT NULL,
	"fee" numeric DEFAULT '0' NOT NULL,
	"fee_currency" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "paper_state" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portfolio_loans" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "portfolio_loans_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"currency" text NOT NULL,
	"borrowed_amount" numeric NOT NULL,
	"borrowed_usd" numeric DEFAULT '0' NOT NULL,
	"interest_rate" numeric,
	"is_active" boolean DEFAULT true NOT NULL,
	"auto_detected" boolean DEFAULT false NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portfolio_snapshots" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "portfolio_snapshots_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"total_assets_usd" numeric NOT NULL,
	"total_borrowed_usd" numeric NOT NULL,
	"net_usd" numeric NOT NULL,
	"taken_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_state" (
	"service" text PRIMARY KEY NOT NULL,
	"cursor" jsonb,
	"last_run_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"counters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trade_signals" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "trade_signals_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"symbol" text NOT NULL,
	"side" text NOT NULL,
	"strategy" text DEFAULT 'default' NOT NULL,
	"price" numeric NOT NULL,
	"rsi" numeric,
	"ma50" numeric,
	"ma200" numeric,
	"ema10" numeric,
	"atr" numeric,
	"volume_ratio" numeric,
	"reason" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"status_reason" text,
	"should_trade" boolean DEFAULT false NOT NULL,
	"trade_amount_usd" numeric,
	"exchange_order_id" text,
	"last_update_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trade_signals_side_check" CHECK ("trade_signals"."side" in ('BUY', 'SELL')),
	CONSTRAINT "trade_signals_status_check" CHECK ("trade_signals"."status" in ('pending', 'order_placed', 'filled', 'closed', 'skipped', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "trading_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "watchlist_items" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "watchlist_items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"symbol" text NOT NULL,
	"alert_enabled" boolean DEFAULT false NOT NULL,
	"trade_enabled" boolean DEFAULT false NOT NULL,
	"trade_amount_usd" numeric,
	"buy_target" numeric,
	"take_profit_pct" numeric,
	"stop_loss_pct" numeric,
	"min_price_change_pct" numeric DEFAULT '1' NOT NULL,
	"cooldown_seconds" integer DEFAULT 300 NOT NULL,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "exchange_orders" ADD CONSTRAINT "exchange_orders_trade_signal_id_trade_signals_id_fk" FOREIGN KEY ("trade_signal_id") REFERENCES "public"."trade_signals"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "exchange_orders_exchange_order_id_key" ON "exchange_orders" USING btree ("exchange_order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "exchange_orders_client_oid_key" ON "exchange_orders" USING btree ("client_oid");--> statement-breakpoint
CREATE INDEX "exchange_orders_status_idx" ON "exchange_orders" USING btree ("status");--> statement-breakpoint
CREATE INDEX "exchange_orders_create_time_idx" ON "exchange_orders" USING btree ("exchange_create_time" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "exchange_orders_open_idx" ON "exchange_orders" USING btree ("exchange_create_time" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "exchange_orders"."status" in ('NEW', 'ACTIVE', 'PARTIALLY_FILLED');--> statement-breakpoint
CREATE INDEX "exchange_orders_filled_idx" ON "exchange_orders" USING btree ("exchange_update_time" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "exchange_orders"."status" = 'FILLED';--> statement-breakpoint
CREATE INDEX "exchange_orders_symbol_time_idx" ON "exchange_orders" USING btree ("symbol","exchange_create_time" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "exchange_orders_trade_signal_idx" ON "exchange_orders" USING btree ("trade_signal_id");--> statement-breakpoint
CREATE UNIQUE INDEX "paper_orders_order_id_key" ON "paper_orders" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "paper_orders_client_oid_key" ON "paper_orders" USING btree ("client_oid");--> statement-breakpoint
CREATE INDEX "paper_orders_open_idx" ON "paper_orders" USING btree ("seq") WHERE "paper_orders"."status" in ('NEW', 'ACTIVE', 'PARTIALLY_FILLED');--> statement-breakpoint
CREATE UNIQUE INDEX "portfolio_loans_currency_key" ON "portfolio_loans" USING btree ("currency");--> statement-breakpoint
CREATE INDEX "portfolio_snapshots_taken_at_idx" ON "portfolio_snapshots" USING btree ("taken_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "trade_signals_status_idx" ON "trade_signals" USING btree ("status");--> statement-breakpoint
CREATE INDEX "trade_signals_should_trade_idx" ON "trade_signals" USING btree ("should_trade","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "trade_signals_symbol_created_idx" ON "trade_signals" USING btree ("symbol","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "trade_signals_created_idx" ON "trade_signals" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "trade_signals_pending_idx" ON "trade_signals" USING btree ("created_at","id") WHERE "trade_signals"."status" = 'pending' and "trade_signals"."should_trade";--> statement-breakpoint
CREATE UNIQUE INDEX "watchlist_items_live_symbol_key" ON "watchlist_items" USING btree ("symbol") WHERE "watchlist_items"."deleted_at" is null;