import path from 'node:path';
import { ERROR_SECTIONS, type ErrorEntry } from './catalogue/index.ts';
import { REPO_ROOT } from './code-scan.ts';

export const ERRORS_DOC_FILE = path.join(REPO_ROOT, 'docs/errors.md');

/** What each section covers, as the document's headings say it. */
const SECTION_TITLES: Record<keyof typeof ERROR_SECTIONS, string> = {
  runtime: 'Runtime library (config, Postgres migrations, topics)',
  http: 'Every HTTP API',
  kafka: 'Kafka',
  serde: 'Avro, wire format and schema registration',
  'store-edge': 'Store edge API',
  relay: 'Outbox relay',
  gateway: 'Ingest gateway',
  ingest: 'Ingest processor',
  kpi: 'KPI windows and consumed records',
  sinks: 'Sinks and reports API',
  apps: 'Dashboard and store simulator',
  infra: 'Local services (infra)',
  registry: 'Local schema registry',
  replay: 'retail CLI: replay, recompute, shadow tables',
  shadow: 'retail CLI: shadow tables, diff, promote, drop',
  dlq: 'retail CLI: dead letters',
  trace: 'retail CLI: trace, reconcile, scheduled jobs',
  'national-sync': 'National pharmacy database sync',
  security: 'Security controls (authentication, signatures, epochs, limits)',
};

const cell = (text: string) => text.replaceAll('|', '\\|');

const retriableText = (r: ErrorEntry['retriable']) => (r === 'either' ? 'either' : r ? 'yes' : 'no');

/** docs/errors.md, generated from the catalogue (`npm run docs:errors`); errors-doc.test.ts keeps it current. */
export function renderErrorsDoc(): string {
  const count = Object.values(ERROR_SECTIONS).reduce((n, s) => n + Object.keys(s).length, 0);
  const lines = [
    '<!-- generated from runtime/src/errors/catalogue/ by `npm run docs:errors` — do not edit -->',
    '',
    '# Error codes',
    '',
    `Every error the system raises on purpose carries one of these ${count} codes: in logs (\`code\`),`,
    'metrics (`code` label), dead letters (`dlq.error.code` header) and HTTP error bodies',
    '(`{"error": {"code", "message", "field"}}`). The list is closed: `AppError` accepts only these',
    '(runtime/src/errors/catalogue/, one file per area), and a test fails on a code literal that is not here.',
    '',
    '**Retriable**: *yes*, the same operation can succeed later (services back off and retry on their own);',
    '*no*, it cannot as it is; *either*, the raise site says (the message tells which). **HTTP**: the status',
    'an API answers with the code; empty for codes that stay inside a service.',
    '',
  ];
  for (const [key, section] of Object.entries(ERROR_SECTIONS) as [
    keyof typeof ERROR_SECTIONS,
    Record<string, ErrorEntry>,
  ][]) {
    lines.push(`## ${SECTION_TITLES[key]}`, '');
    lines.push(
      '| Code | Retriable | HTTP | Meaning | What an operator does |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const [code, e] of Object.entries(section)) {
      lines.push(
        `| \`${code}\` | ${retriableText(e.retriable)} | ${e.http ?? ''} | ${cell(e.meaning)} | ${cell(e.action)} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}
