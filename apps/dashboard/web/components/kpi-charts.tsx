import { memo, useState } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { KpiWindow } from '../api-types.ts';
import { formatClock, formatCount, formatMoney, formatPercent } from '../lib/format.ts';
import { kpiSeries, type SeriesPoint } from '../lib/kpi-cards.ts';

type Metric = {
  key: keyof Pick<SeriesPoint, 'gmv' | 'orders' | 'orderRate' | 'successRate' | 'avgBasket'>;
  title: string;
  fmt: (v: number, currency: string) => string;
};

const METRICS: Metric[] = [
  { key: 'gmv', title: 'GMV', fmt: (v, c) => formatMoney(v, c) },
  { key: 'orders', title: 'Orders', fmt: (v) => formatCount(v) },
  { key: 'orderRate', title: 'Orders / min', fmt: (v) => v.toFixed(2) },
  { key: 'successRate', title: 'Payment success', fmt: (v) => formatPercent(v) },
  { key: 'avgBasket', title: 'Avg basket', fmt: (v, c) => formatMoney(Math.round(v), c) },
];

// memo: the page re-renders every second for the clock; charts only when their data changes.
export const KpiCharts = memo(function KpiCharts({
  m1,
  m15,
}: {
  m1: KpiWindow[] | undefined;
  m15: KpiWindow[] | undefined;
}) {
  const [range, setRange] = useState<'hour' | 'day'>('hour');
  const items = (range === 'hour' ? m1 : m15) ?? [];
  const series = kpiSeries(items, (iso) => formatClock(iso));
  const currency = items[0]?.currency ?? 'VND';
  return (
    <section className="panel" aria-label="KPI charts">
      <header className="panel-head">
        <h2>Trends</h2>
        <div className="toggle" role="group">
          <button className={range === 'hour' ? 'on' : ''} onClick={() => setRange('hour')}>
            Last hour (1 min)
          </button>
          <button className={range === 'day' ? 'on' : ''} onClick={() => setRange('day')}>
            Day (15 min)
          </button>
        </div>
      </header>
      {(range === 'hour' ? m1 : m15) === undefined ? (
        <p className="empty">loading…</p>
      ) : series.length === 0 ? (
        <p className="empty" data-testid="charts-empty">
          no data yet
        </p>
      ) : (
        <div className="charts">
          {METRICS.map((m) => (
            <figure key={m.key} className="chart">
              <figcaption>{m.title}</figcaption>
              <ResponsiveContainer width="100%" height={160}>
                <LineChart data={series} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="#2a3340" />
                  <XAxis dataKey="label" tick={{ fontSize: 10 }} minTickGap={20} />
                  <YAxis
                    tick={{ fontSize: 10 }}
                    width={70}
                    tickFormatter={(v: number) => m.fmt(v, currency)}
                  />
                  <Tooltip formatter={(v) => (typeof v === 'number' ? m.fmt(v, currency) : String(v))} />
                  <Line
                    type="monotone"
                    dataKey={m.key}
                    stroke="#4fb3ff"
                    dot={false}
                    isAnimationActive={false}
                    connectNulls
                  />
                </LineChart>
              </ResponsiveContainer>
            </figure>
          ))}
        </div>
      )}
    </section>
  );
});
