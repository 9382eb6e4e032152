// Formatting for display only: amounts stay decimal strings until they are shown.

const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text safe to put in HTML. */
export const esc = (value: unknown): string => String(value ?? "").replace(/[&<>"']/g, (c) => escapes[c] as string);

/** A decimal string shortened for a table (the exact value stays in the tooltip). */
export function amount(value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  const n = Number(value);
  if (!Number.isFinite(n)) return esc(value);
  const abs = Math.abs(n);
  const shown = n.toLocaleString("en-US", { maximumFractionDigits: abs >= 1000 ? 2 : abs >= 1 ? 4 : 8 });
  return `<span title="${esc(value)}">${esc(shown)}</span>`;
}

/** US dollars with two decimals. */
export const usd = (value: string | null | undefined): string =>
  value === null || value === undefined
    ? "—"
    : `$${Number(value).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** A time as local clock time, or how long ago. */
export function time(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return `<span title="${esc(iso)}">${esc(date.toLocaleString())}</span>`;
}

export function ago(iso: string | null | undefined): string {
  if (!iso) return "never";
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

/** A table, or a sentence saying why there is nothing to show. */
export function table(headers: string[], rows: string[][], empty: string): string {
  if (rows.length === 0) return `<div class="empty">${empty}</div>`;
  const head = headers
    .map((h) => `<th${h.startsWith("#") ? ' class="num"' : ""}>${esc(h.replace(/^#/, ""))}</th>`)
    .join("");
  const body = rows
    .map(
      (cells) =>
        `<tr>${cells.map((c, i) => `<td${headers[i]?.startsWith("#") ? ' class="num"' : ""}>${c}</td>`).join("")}</tr>`,
    )
    .join("");
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}
