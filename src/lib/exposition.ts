/** A Prometheus label value, quoted and escaped. */
export const label = (value: string) => JSON.stringify(value);

export type MetricType = "counter" | "gauge" | "histogram";
export type Labels = Record<string, string>;

/**
 * Prometheus text exposition (format 0.0.4) built family by family, so no sample can be written without
 * its `# HELP` and `# TYPE` lines (what `promtool check metrics` asks of every family).
 */
export class Exposition {
  private readonly lines: string[] = [];

  /** Opens a family; the samples that follow belong to it. Counters are named `…_total`. */
  family(name: string, type: MetricType, help: string): this {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    return this;
  }

  /** One sample; `value` may be a decimal string (money stays exact on the wire). */
  sample(name: string, value: number | string, labels?: Labels): this {
    const rendered = labels
      ? `{${Object.entries(labels)
          .map(([k, v]) => `${k}=${label(v)}`)
          .join(",")}}`
      : "";
    this.lines.push(`${name}${rendered} ${value}`);
    return this;
  }

  /** A family of one unlabelled sample. */
  single(name: string, type: MetricType, help: string, value: number | string): this {
    return this.family(name, type, help).sample(name, value);
  }

  text(): string {
    return `${this.lines.join("\n")}\n`;
  }
}
