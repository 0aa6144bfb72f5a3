/** One sample of the Prometheus text format: `name{label="value",…} 12.5`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples and the `# TYPE` of each metric family of a /metrics page. */
export class Scrape {
  private constructor(
    readonly samples: Sample[],
    readonly types: Map<string, string>,
  ) {}

  static async of(url: string): Promise<Scrape> {
    const res = await fetch(`${url}/metrics`);
    if (res.status !== 200) throw new Error(`GET ${url}/metrics: ${res.status}`);
    if (!/^text\/plain; version=0\.0\.4/.test(res.headers.get('content-type') ?? '')) {
      throw new Error(`GET ${url}/metrics: content-type ${res.headers.get('content-type')}`);
    }
    return Scrape.parse(await res.text());
  }

  static parse(text: string): Scrape {
    const samples: Sample[] = [];
    const types = new Map<string, string>();
    for (const line of text.split('\n')) {
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (type) types.set(type[1], type[2]);
      if (line === '' || line.startsWith('#')) continue;
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) throw new Error(`not a Prometheus sample: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
      samples.push({ name: m[1], labels, value: Number(m[3]) });
    }
    return new Scrape(samples, types);
  }

  /** The sum of the samples of `name` whose labels include `labels` (0 when there are none). */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.matching(name, labels).reduce((sum, s) => sum + s.value, 0);
  }

  /** Whether a sample of `name` with those labels is present at all. */
  has(name: string, labels: Record<string, string> = {}): boolean {
    return this.matching(name, labels).length > 0;
  }

  private matching(name: string, labels: Record<string, string>): Sample[] {
    return this.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  }
}
