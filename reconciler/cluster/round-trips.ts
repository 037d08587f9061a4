// Protocol requests sent by a Kafka admin client, by API name (reports and the benchmark).
export class RoundTrips {
  readonly byApi: Record<string, number> = {};
  total = 0;

  add(api: string): void {
    this.byApi[api] = (this.byApi[api] ?? 0) + 1;
    this.total += 1;
  }

  snapshot(): { total: number; byApi: Record<string, number> } {
    return { total: this.total, byApi: { ...this.byApi } };
  }
}
