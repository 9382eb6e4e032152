import { afterAll, describe, expect, test } from "bun:test";
import { logNotification, type NotificationEntry, recentNotifications } from "../../src/db/queries/notification-log";
import { createNotifier, NOTIFICATION_LOG_SIZE, notifierFromConfig } from "../../src/services/notifier";
import { webhookChannel } from "../../src/services/notifier/webhook";
import { testConfig } from "../helpers/app";
import { createTestDatabase } from "../helpers/cluster";
import { capturingLogger } from "../helpers/trading";

describe("the notification log: what was sent, failed or blocked, bounded", async () => {
  const database = await createTestDatabase();
  let answer = 200;
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("", { status: answer }) });
  afterAll(async () => {
    server.stop(true);
    await database.close();
  });

  test("without a channel a notification is logged as blocked, with the reason", async () => {
    const { log } = capturingLogger();
    const notifier = notifierFromConfig(testConfig(), log, database.sql);
    notifier.notify({ event: "signal", symbol: "BTC_USDT", text: "BUY BTC_USDT at 100" });
    await notifier.settle();
    const [entry] = await recentNotifications(database.sql, 10);
    expect(entry).toMatchObject({
      event: "signal",
      symbol: "BTC_USDT",
      text: "BUY BTC_USDT at 100",
      status: "blocked",
    });
    expect(entry?.reason).toContain("no notification channel");
  });

  test("a delivered one is sent; one every channel refused is failed, with the error", async () => {
    const { log } = capturingLogger();
    const notifier = notifierFromConfig(
      testConfig({ WEBHOOK_URL: `http://127.0.0.1:${server.port}/hook` }),
      log,
      database.sql,
    );
    notifier.notify({ event: "order", symbol: "ETH_USDT", text: "PAPER BUY ETH_USDT" });
    await notifier.settle();
    answer = 500;
    notifier.notify({ event: "daily_summary", text: "summary" });
    await notifier.settle();
    const [failed, sent] = await recentNotifications(database.sql, 2);
    expect(sent).toMatchObject({ event: "order", status: "sent", reason: null });
    expect(failed).toMatchObject({ event: "daily_summary", symbol: null, status: "failed" });
    expect(failed?.reason).toContain("500");
  });

  test("the log keeps only its newest rows", async () => {
    const { log } = capturingLogger();
    const journal = (entry: NotificationEntry) => logNotification(database.sql, entry, 5);
    const notifier = createNotifier([webhookChannel(`http://127.0.0.1:${server.port}/hook`)], {
      log,
      timeoutMs: 1000,
      journal,
    });
    answer = 200;
    for (let i = 0; i < 12; i++) {
      notifier.notify({ event: "signal", text: `n${i}` });
      await notifier.settle();
    }
    const kept = await recentNotifications(database.sql, 100);
    expect(kept.map((e) => e.text)).toEqual(["n11", "n10", "n9", "n8", "n7"]);
    expect(NOTIFICATION_LOG_SIZE).toBeGreaterThanOrEqual(100);
  });
});
