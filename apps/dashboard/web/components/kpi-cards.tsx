import type { KpiWindow, WindowParam } from '../api-types.ts';
import { formatCount, formatMoney, formatPercent, formatRatePerMin } from '../lib/format.ts';
import { kpiCard } from '../lib/kpi-cards.ts';

const WINDOWS: WindowParam[] = ['1m', '15m', '1h', '1d'];

export function KpiCards({
  kpis,
  nowMs,
}: {
  kpis: Record<WindowParam, KpiWindow[]> | undefined;
  nowMs: number;
}) {
  return (
    <section className="cards" aria-label="KPIs">
      {WINDOWS.map((w) => {
        const card = kpiCard(w, kpis?.[w] ?? [], nowMs);
        return (
          <article key={w} className="card" data-testid={`kpi-${w}`}>
            <h3>
              {card.label}
              {card.latest?.is_final ? <span className="badge">final</span> : null}
            </h3>
            {kpis === undefined ? (
              <p className="empty" data-testid={`kpi-${w}-loading`}>
                loading…
              </p>
            ) : card.latest === undefined ? (
              <p className="empty" data-testid={`kpi-${w}-empty`}>
                no data yet
              </p>
            ) : (
              <dl>
                <dt>GMV</dt>
                <dd data-testid={`kpi-${w}-gmv`}>{formatMoney(card.gmvMinor, card.currency)}</dd>
                <dt>Orders</dt>
                <dd data-testid={`kpi-${w}-orders`}>{formatCount(card.orders)}</dd>
                <dt>Order rate</dt>
                <dd data-testid={`kpi-${w}-rate`}>{formatRatePerMin(card.orderRatePerMin)}</dd>
                <dt>Payment success</dt>
                <dd data-testid={`kpi-${w}-success`}>{formatPercent(card.paymentSuccessRate)}</dd>
                <dt>Avg basket</dt>
                <dd data-testid={`kpi-${w}-basket`}>{formatMoney(card.avgBasketMinor, card.currency)}</dd>
              </dl>
            )}
          </article>
        );
      })}
    </section>
  );
}
