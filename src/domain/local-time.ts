/** A wall-clock date and time in a time zone: `YYYY-MM-DD` and `HH:MM` (24 h). */
export interface LocalDateTime {
  date: string;
  time: string;
}

/** The local date and time of an instant in an IANA time zone. */
export function localDateTime(instant: Date, timeZone: string): LocalDateTime {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "00";
  return { date: `${part("year")}-${part("month")}-${part("day")}`, time: `${part("hour")}:${part("minute")}` };
}

/** True once the local time of day has reached `dueTime` (`HH:MM`) — a daily job is due from then until midnight. */
export function isDue(local: LocalDateTime, dueTime: string): boolean {
  return local.time >= dueTime;
}
