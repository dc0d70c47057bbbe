/** Label values by label name; every series of a metric has the same names. */
export type Labels = Record<string, string>;

export type MetricType = 'counter' | 'gauge' | 'histogram';

export type Sample = { labels: Labels; value: number };

export type HistogramSample = {
  labels: Labels;
  /** Cumulative counts per upper bound, in the order of `buckets` (+Inf is `count`). */
  bucketCounts: number[];
  sum: number;
  count: number;
};

export type MetricFamily =
  | { name: string; help: string; type: 'counter' | 'gauge'; samples: Sample[] }
  | { name: string; help: string; type: 'histogram'; buckets: readonly number[]; samples: HistogramSample[] };

/** Series are kept by their label values joined with a separator no label value carries in practice. */
function seriesKey(names: readonly string[], labels: Labels): string {
  return names.map((name) => labels[name] ?? '').join('\u0001');
}

function pick(names: readonly string[], labels: Labels): Labels {
  const picked: Labels = {};
  for (const name of names) picked[name] = labels[name] ?? '';
  return picked;
}

abstract class Metric {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];

  constructor(name: string, help: string, labelNames: readonly string[]) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
  }

  abstract collect(): MetricFamily;
}

export class Counter extends Metric {
  private readonly series = new Map<string, Sample>();

  /** Adds `amount` (≥ 0; negative amounts are ignored: counters only go up). */
  inc(labels: Labels = {}, amount = 1): void {
    if (!(amount >= 0)) return;
    const key = seriesKey(this.labelNames, labels);
    const sample = this.series.get(key);
    if (sample) sample.value += amount;
    else this.series.set(key, { labels: pick(this.labelNames, labels), value: amount });
  }

  get(labels: Labels = {}): number {
    return this.series.get(seriesKey(this.labelNames, labels))?.value ?? 0;
  }

  collect(): MetricFamily {
    return { name: this.name, help: this.help, type: 'counter', samples: [...this.series.values()] };
  }
}

export class Gauge extends Metric {
  private readonly series = new Map<string, Sample>();

  set(labels: Labels, value: number): void {
    const key = seriesKey(this.labelNames, labels);
    const sample = this.series.get(key);
    if (sample) sample.value = value;
    else this.series.set(key, { labels: pick(this.labelNames, labels), value });
  }

  inc(labels: Labels = {}, amount = 1): void {
    this.set(labels, this.get(labels) + amount);
  }

  dec(labels: Labels = {}, amount = 1): void {
    this.set(labels, this.get(labels) - amount);
  }

  get(labels: Labels = {}): number {
    return this.series.get(seriesKey(this.labelNames, labels))?.value ?? 0;
  }

  /** Drops every series (gauges rebuilt at each scrape). */
  reset(): void {
    this.series.clear();
  }

  collect(): MetricFamily {
    return { name: this.name, help: this.help, type: 'gauge', samples: [...this.series.values()] };
  }
}

export class Histogram extends Metric {
  readonly buckets: readonly number[];
  private readonly series = new Map<string, HistogramSample>();

  constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]) {
    super(name, help, labelNames);
    this.buckets = [...buckets].sort((left, right) => left - right);
  }

  observe(labels: Labels, value: number): void {
    if (!Number.isFinite(value)) return;
    const key = seriesKey(this.labelNames, labels);
    let sample = this.series.get(key);
    if (!sample) {
      sample = { labels: pick(this.labelNames, labels), bucketCounts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, sample);
    }
    for (let index = 0; index < this.buckets.length; index++) {
      if (value <= (this.buckets[index] as number)) sample.bucketCounts[index] = (sample.bucketCounts[index] ?? 0) + 1;
    }
    sample.sum += value;
    sample.count++;
  }

  get(labels: Labels = {}): HistogramSample | undefined {
    return this.series.get(seriesKey(this.labelNames, labels));
  }

  collect(): MetricFamily {
    return {
      name: this.name,
      help: this.help,
      type: 'histogram',
      buckets: this.buckets,
      samples: [...this.series.values()],
    };
  }
}

/**
 * Counters, gauges and histograms with labels, kept in memory and read at scrape time. `onCollect` callbacks run
 * first, so gauges that mirror other state (breakers, the catalog) are set at the moment of the scrape.
 */
export class MetricsRegistry {
  private readonly metrics: Metric[] = [];
  private readonly collectors: Array<() => void> = [];

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.add(new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.add(new Gauge(name, help, labelNames));
  }

  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, labelNames, buckets));
  }

  onCollect(collector: () => void): void {
    this.collectors.push(collector);
  }

  collect(): MetricFamily[] {
    for (const collector of this.collectors) collector();
    return this.metrics.map((metric) => metric.collect());
  }

  private add<T extends Metric>(metric: T): T {
    if (this.metrics.some((existing) => existing.name === metric.name)) {
      throw new Error(`metric ${metric.name} is registered twice`);
    }
    this.metrics.push(metric);
    return metric;
  }
}
