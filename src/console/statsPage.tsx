import type { StatsFigures } from '../../projections/statsCounters.js';
import { barChart } from './charts/barChart.js';
import { lineChart } from './charts/lineChart.js';
import { shortTime } from './format.js';
import { Layout } from './layout.js';
import type { ConsoleSession } from './sessions.js';
import { consoleStatsWindows, type ConsoleStatsWindow, type StatsItem, type StatsPageData } from './statsPageData.js';

const windowWords: Record<ConsoleStatsWindow, string> = { '24h': 'Last 24 hours', '7d': 'Last 7 days', '30d': 'Last 30 days' };
/** Chart colours, each at least 4.5:1 on white (the legend's swatches sit next to their names). */
const colors = { faxes: '#12324f', succeeded: '#1d6b2a', failed: '#a10000' };

/** `66.7 %`, or a dash where there is no finished fax to count. */
export const rateInWords = (rate: number | null) => (rate === null ? '–' : `${(Math.round(rate * 1000) / 10).toFixed(1)} %`);

/** The console's Statistics page: figures of the window, then charts, each with its figures as a table. */
export function StatsPage({ data, session }: { data: StatsPageData; session: ConsoleSession }) {
  // Cancelled faxes are not among the finished ones, but they happened.
  const empty = data.summary.faxes.total === 0 && data.summary.attempts === 0 && data.summary.cancelled === 0;
  return (
    <Layout title="Statistics" session={session} current="/stats">
      <h1>Statistics</h1>
      <nav class="windows" aria-label="Window">
        <ul>
          {consoleStatsWindows.map((window) => (
            <li>
              <a href={`/stats?window=${window}`} aria-current={window === data.window ? 'page' : undefined}>
                {windowWords[window]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <p class="scope">
        Faxes that finished from {shortTime(data.from)} to {shortTime(data.to)}, {data.scopeLabel}.
      </p>
      {empty ? (
        <p class="empty" id="no-stats">
          No faxes in this window yet.
        </p>
      ) : (
        <>
          <Summary figures={data.summary} />
          <OverTime data={data} />
          <PerItem id="gateways" heading="Per gateway" what="gateway" items={data.gateways} />
          <PerItem id="stations" heading="Per remote station" what="station" items={data.stations} />
          {data.tenants && <PerItem id="tenants" heading="Per tenant" what="tenant" items={data.tenants} />}
        </>
      )}
    </Layout>
  );
}

function Summary({ figures }: { figures: StatsFigures }) {
  const rows: [string, string, string | number][] = [
    ['success-rate', 'Success rate', rateInWords(figures.successRate)],
    ['faxes', 'Faxes', figures.faxes.total],
    ['inbound', 'Received (inbound)', figures.faxes.inbound],
    ['outbound', 'Sent (outbound)', figures.faxes.outbound],
    ['succeeded', 'Succeeded', figures.succeeded],
    ['failed', 'Failed', figures.failed],
    ['cancelled', 'Cancelled', figures.cancelled],
    ['pages', 'Pages', figures.pages],
    ['attempts', 'Call attempts', figures.attempts],
  ];
  const causes = figures.topFailureCauses;
  return (
    <section aria-labelledby="summary-heading">
      <h2 id="summary-heading">Summary</h2>
      <dl class="summary stats-summary">
        {rows.map(([key, label, value]) => (
          <>
            <dt>{label}</dt>
            <dd data-figure={key}>{String(value)}</dd>
          </>
        ))}
        <dt>Most frequent failures</dt>
        <dd data-figure="causes">{causes.length ? causes.map((c) => `${c.cause.replace(/_/g, ' ')} (${c.count})`).join(', ') : 'none'}</dd>
      </dl>
    </section>
  );
}

function OverTime({ data }: { data: StatsPageData }) {
  const days = data.daily.map((d) => d.day.slice(5));
  const volume = lineChart({
    id: 'chart-daily-volume',
    title: 'Faxes per UTC day',
    description: `Faxes that finished each day, ${data.daily[0]?.day} to ${data.daily.at(-1)?.day}: all of them, those that succeeded and those that failed.`,
    xLabels: days,
    integer: true,
    series: [
      { name: 'faxes', values: data.daily.map((d) => d.figures.faxes.total), color: colors.faxes },
      { name: 'succeeded', values: data.daily.map((d) => d.figures.succeeded), color: colors.succeeded },
      { name: 'failed', values: data.daily.map((d) => d.figures.failed), color: colors.failed },
    ],
  });
  const rate = lineChart({
    id: 'chart-daily-rate',
    title: 'Success rate per UTC day',
    description: 'Succeeded faxes out of those that succeeded or failed, per day; no point on a day without finished faxes.',
    xLabels: days,
    yMax: 100,
    format: (value) => `${value} %`,
    series: [{ name: 'success rate', values: data.daily.map((d) => (d.figures.successRate === null ? null : Math.round(d.figures.successRate * 1000) / 10)), color: colors.succeeded }],
  });
  return (
    <section aria-labelledby="daily-heading" id="daily">
      <h2 id="daily-heading">Over time (per UTC day)</h2>
      <div class="charts">
        <div class="chart-box" dangerouslySetInnerHTML={{ __html: volume }} />
        <div class="chart-box" dangerouslySetInnerHTML={{ __html: rate }} />
      </div>
      <FiguresTable caption="Faxes per UTC day" first="Day" rows={data.daily.map((d) => ({ key: d.day, figures: d.figures }))} />
    </section>
  );
}

function PerItem({ id, heading, what, items }: { id: string; heading: string; what: string; items: StatsItem[] }) {
  return (
    <section aria-labelledby={`${id}-heading`} id={id}>
      <h2 id={`${id}-heading`}>{heading}</h2>
      {items.length === 0 ? (
        <p class="empty">No {what} figures in this window.</p>
      ) : (
        <>
          <div
            class="chart-box"
            dangerouslySetInnerHTML={{
              __html: barChart({
                id: `chart-${id}`,
                title: `Faxes per ${what}`,
                description: `Faxes that finished per ${what}, the busiest first: those that succeeded and those that failed, stacked; each bar's length is its faxes.`,
                categories: items.map((item) => item.label ?? item.key),
                series: [
                  { name: 'succeeded', values: items.map((item) => item.figures.succeeded), color: colors.succeeded },
                  { name: 'failed', values: items.map((item) => item.figures.failed), color: colors.failed },
                ],
              }),
            }}
          />
          <FiguresTable caption={`Faxes per ${what}`} first={what.replace(/^./, (c) => c.toUpperCase())} rows={items} />
        </>
      )}
    </section>
  );
}

/** The chart's figures as a table: its text alternative, folded away under the chart. */
function FiguresTable({ caption, first, rows }: { caption: string; first: string; rows: StatsItem[] }) {
  return (
    <details class="figures">
      <summary>{caption}: the figures as a table</summary>
      <table>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{first}</th>
            <th scope="col">Faxes</th>
            <th scope="col">Succeeded</th>
            <th scope="col">Failed</th>
            <th scope="col">Cancelled</th>
            <th scope="col">Success rate</th>
            <th scope="col">Pages</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ key, label, figures }) => (
            <tr>
              <th scope="row" data-label={first}>
                {label ?? key}
              </th>
              <td data-label="Faxes">{figures.faxes.total}</td>
              <td data-label="Succeeded">{figures.succeeded}</td>
              <td data-label="Failed">{figures.failed}</td>
              <td data-label="Cancelled">{figures.cancelled}</td>
              <td data-label="Success rate">{rateInWords(figures.successRate)}</td>
              <td data-label="Pages">{figures.pages}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
