CREATE TABLE "position_books" (
	"account" text NOT NULL,
	"symbol" text NOT NULL,
	"unmatched_qty" numeric DEFAULT '0' NOT NULL,
	"other_fees" numeric DEFAULT '0' NOT NULL,
	"version" uuid,
	"realised" numeric DEFAULT '0' NOT NULL,
	"closed_trades" integer DEFAULT 0 NOT NULL,
	"wins" integer DEFAULT 0 NOT NULL,
	"losses" integer DEFAULT 0 NOT NULL,
	"gross_profit" numeric DEFAULT '0' NOT NULL,
	"gross_loss" numeric DEFAULT '0' NOT NULL,
	"held_seconds" numeric DEFAULT '0' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "position_books_account_symbol_pk" PRIMARY KEY("account","symbol")
);
--> statement-breakpoint
CREATE TABLE "position_lots" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "position_lots_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"account" text NOT NULL,
	"symbol" text NOT NULL,
	"entry_order_id" text NOT NULL,
	"entry_client_oid" text,
	"opened_at" timestamp with time zone NOT NULL,
	"quantity" numeric NOT NULL,
	"entry_value" numeric NOT NULL,
	"entry_fee" numeric NOT NULL,
	"remaining" numeric NOT NULL,
	"remaining_cost" numeric NOT NULL,
	"remaining_fee" numeric NOT NULL,
	"exit_quantity" numeric NOT NULL,
	"exit_value" numeric NOT NULL,
	"exit_fee" numeric NOT NULL,
	"closed_cost" numeric NOT NULL,
	"closed_fee" numeric NOT NULL,
	"closed_at" timestamp with time zone,
	"exit_reason" text,
	"realised" numeric DEFAULT '0' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "position_lots_exit_reason_check" CHECK ("position_lots"."exit_reason" in ('take_profit', 'stop_loss', 'force_exit', 'signal', 'manual'))
);
--> statement-breakpoint
CREATE TABLE "protection_orders" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "protection_orders_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"account" text NOT NULL,
	"symbol" text NOT NULL,
	"entry_order_id" text NOT NULL,
	"kind" text NOT NULL,
	"generation" integer NOT NULL,
	"client_oid" text NOT NULL,
	"exchange_order_id" text,
	"state" text NOT NULL,
	"quantity" numeric NOT NULL,
	"trigger_price" numeric NOT NULL,
	"limit_price" numeric NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "protection_orders_kind_check" CHECK ("protection_orders"."kind" in ('take_profit', 'stop_loss')),
	CONSTRAINT "protection_orders_state_check" CHECK ("protection_orders"."state" in ('placing', 'open', 'filled', 'cancelled', 'vanished', 'race'))
);
--> statement-breakpoint
ALTER TABLE "exchange_orders" ADD COLUMN "account" text DEFAULT 'paper' NOT NULL;--> statement-breakpoint
ALTER TABLE "watchlist_items" ADD COLUMN "tp_price" numeric;--> statement-breakpoint
ALTER TABLE "watchlist_items" ADD COLUMN "sl_price" numeric;--> statement-breakpoint
CREATE UNIQUE INDEX "position_lots_entry_key" ON "position_lots" USING btree ("account","entry_order_id");--> statement-breakpoint
CREATE INDEX "position_lots_open_idx" ON "position_lots" USING btree ("account","symbol","opened_at","id") WHERE "position_lots"."remaining" > 0;--> statement-breakpoint
CREATE INDEX "position_lots_closed_idx" ON "position_lots" USING btree ("account","closed_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "position_lots"."closed_at" is not null;--> statement-breakpoint
CREATE INDEX "position_lots_realised_idx" ON "position_lots" USING btree ("account","realised") WHERE "position_lots"."closed_at" is not null;--> statement-breakpoint
CREATE INDEX "position_lots_symbol_closed_idx" ON "position_lots" USING btree ("account","symbol","closed_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "position_lots"."closed_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "protection_orders_client_oid_key" ON "protection_orders" USING btree ("account","client_oid");--> statement-breakpoint
CREATE UNIQUE INDEX "protection_orders_generation_key" ON "protection_orders" USING btree ("account","entry_order_id","kind","generation");--> statement-breakpoint
CREATE INDEX "protection_orders_active_idx" ON "protection_orders" USING btree ("account","symbol") WHERE "protection_orders"."state" in ('placing', 'open');