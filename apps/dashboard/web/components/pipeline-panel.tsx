import { memo } from 'react';
import type { PipelineBody } from '../api-types.ts';
import { formatCount } from '../lib/format.ts';

// memo: the page re-renders every second for the clock; charts only when their data changes.
export const PipelinePanel = memo(function PipelinePanel({
  pipeline,
  error,
}: {
  pipeline: PipelineBody | undefined;
  error: string | null;
}) {
  return (
    <section className="panel" aria-label="Pipeline health">
      <h2>Pipeline health</h2>
      {error ? <p className="warn">Kafka: {error}</p> : null}
      {!pipeline ? (
        <p className="empty">no data yet</p>
      ) : (
        <>
          <div className="stats">
            <div>
              <span className="label">DLQ records</span>
              <span
                className={`value ${(pipeline.dlq.records ?? 0) > 0 ? 'bad' : ''}`}
                data-testid="dlq-count"
              >
                {pipeline.dlq.records === null ? 'no topic' : formatCount(pipeline.dlq.records)}
              </span>
            </div>
            <div>
              <span className="label">Late events</span>
              <span className="value" data-testid="late-count">
                {pipeline.late_events.records === null ? 'none' : formatCount(pipeline.late_events.records)}
              </span>
            </div>
          </div>
          {pipeline.consumer_groups.length === 0 ? (
            <p className="muted">no consumer groups yet</p>
          ) : (
            <table data-testid="consumer-lag">
              <thead>
                <tr>
                  <th>Consumer group</th>
                  <th>State</th>
                  <th className="num">Lag</th>
                </tr>
              </thead>
              <tbody>
                {pipeline.consumer_groups.map((g) => (
                  <tr key={g.groupId} title={g.topics.map((t) => `${t.topic}: ${t.lag}`).join('\n')}>
                    <td>{g.groupId}</td>
                    {/* No committed offsets at all: the service never ran against this cluster. */}
                    <td>{g.topics.length === 0 ? 'not started' : g.state}</td>
                    <td className="num">{g.topics.length === 0 ? '—' : formatCount(g.lag)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
});
