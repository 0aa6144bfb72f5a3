import { HistogramChildren, Metrics } from './metrics.js';

describe('Metrics', () => {
  it('exposes what is counted, with the default Node metrics, in the Prometheus text format', async () => {
    const metrics = new Metrics(true);
    metrics.counter({ name: 'test_things_total', help: 'Things' }).inc(3);
    const text = await metrics.scrape();
    expect(text).toContain('# TYPE test_things_total counter\ntest_things_total 3');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('answers the same metric for the same name, so two parts of a service can share it', () => {
    const metrics = new Metrics(true);
    const first = metrics.counter({ name: 'test_shared_total', help: 'Shared', labelNames: ['durable'] });
    expect(metrics.counter({ name: 'test_shared_total', help: 'Shared', labelNames: ['durable'] })).toBe(first);
  });

  it('registers nothing when disabled, while the metrics still count', async () => {
    const metrics = new Metrics(false);
    const counter = metrics.counter({ name: 'test_off_total', help: 'Off' });
    counter.inc();
    expect((await metrics.scrape()).trim()).toBe('');
    expect((await counter.get()).values[0].value).toBe(1);
  });

  it('empties a collected gauge for a scrape whose collect fails, and keeps the scrape', async () => {
    const metrics = new Metrics(true);
    let fail = false;
    metrics.collectedGauge({
      name: 'test_backlog',
      help: 'Backlog',
      collect: (gauge) => {
        if (fail) throw new Error('database away');
        gauge.set(7);
      },
    });
    expect(await metrics.scrape()).toContain('test_backlog 7');
    fail = true;
    expect(await metrics.scrape()).not.toContain('test_backlog 7');
  });
});

describe('HistogramChildren', () => {
  it('observes into the series of each label combination, two or three labels', async () => {
    const metrics = new Metrics(true);
    const histogram = metrics.histogram({ name: 'test_seconds', help: 'Seconds', labelNames: ['route', 'method', 'status_class'], buckets: [0.1, 1] });
    const children = new HistogramChildren(histogram, ['route', 'method', 'status_class']);
    children.observe(0.05, '/a', 'GET', '2xx');
    children.observe(0.5, '/a', 'GET', '2xx');
    children.observe(2, '/a', 'POST', '4xx');
    const text = await metrics.scrape();
    expect(text).toContain('test_seconds_count{route="/a",method="GET",status_class="2xx"} 2');
    expect(text).toContain('test_seconds_bucket{le="0.1",route="/a",method="GET",status_class="2xx"} 1');
    expect(text).toContain('test_seconds_count{route="/a",method="POST",status_class="4xx"} 1');

    const two = metrics.histogram({ name: 'test_rpc_seconds', help: 'RPC', labelNames: ['subject', 'outcome'], buckets: [1] });
    new HistogramChildren(two, ['subject', 'outcome']).observe(0.2, 'rooms.close', 'room-closed');
    expect(await metrics.scrape()).toContain('test_rpc_seconds_count{subject="rooms.close",outcome="room-closed"} 1');
  });
});
