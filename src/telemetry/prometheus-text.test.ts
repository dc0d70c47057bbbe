import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from './metrics-registry.ts';
import { toPrometheusText } from './prometheus-text.ts';

describe('toPrometheusText', () => {
  it('writes counters, gauges and cumulative histograms in format 0.0.4', () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter('demo_total', 'A counter.', ['model']);
    counter.inc({ model: 'a' });
    counter.inc({ model: 'a' }, 2);
    counter.inc({ model: 'a' }, -5);
    const gauge = registry.gauge('demo_gauge', 'A gauge.');
    gauge.inc();
    gauge.inc();
    gauge.dec();
    const histogram = registry.histogram('demo_seconds', 'A histogram.', ['model'], [0.1, 1]);
    histogram.observe({ model: 'a' }, 0.05);
    histogram.observe({ model: 'a' }, 0.5);
    histogram.observe({ model: 'a' }, 5);
    expect(toPrometheusText(registry.collect())).toBe(
      [
        '# HELP demo_total A counter.',
        '# TYPE demo_total counter',
        'demo_total{model="a"} 3',
        '# HELP demo_gauge A gauge.',
        '# TYPE demo_gauge gauge',
        'demo_gauge 1',
        '# HELP demo_seconds A histogram.',
        '# TYPE demo_seconds histogram',
        'demo_seconds_bucket{model="a",le="0.1"} 1',
        'demo_seconds_bucket{model="a",le="1"} 2',
        'demo_seconds_bucket{model="a",le="+Inf"} 3',
        'demo_seconds_sum{model="a"} 5.55',
        'demo_seconds_count{model="a"} 3',
        '',
      ].join('\n'),
    );
  });

  it('escapes label values and help text', () => {
    const registry = new MetricsRegistry();
    registry.counter('escaped_total', 'Line one\nback\\slash', ['model']).inc({ model: 'a"b\\c\nd' });
    const text = toPrometheusText(registry.collect());
    expect(text).toContain('# HELP escaped_total Line one\\nback\\\\slash');
    expect(text).toContain('escaped_total{model="a\\"b\\\\c\\nd"} 1');
  });

  it('runs collectors at scrape time and refuses a metric registered twice', () => {
    const registry = new MetricsRegistry();
    const gauge = registry.gauge('scraped', 'Read at scrape.');
    let value = 1;
    registry.onCollect(() => gauge.set({}, value));
    expect(toPrometheusText(registry.collect())).toContain('scraped 1');
    value = 7;
    expect(toPrometheusText(registry.collect())).toContain('scraped 7');
    expect(() => registry.gauge('scraped', 'again')).toThrow(/twice/);
  });
});
