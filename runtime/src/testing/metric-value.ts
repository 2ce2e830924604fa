/**
 * The value of `name` in a Prometheus text exposition: the first series whose line contains
 * `match` (e.g. `result="accepted"`); undefined when there is none.
 */
export function metricValue(text: string, name: string, match = ''): number | undefined {
  const line = text
    .split('\n')
    .find((l) => (l.startsWith(`${name} `) || l.startsWith(`${name}{`)) && l.includes(match));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** The sum of every series of `name` (e.g. rows written over all tables). */
export function metricSum(text: string, name: string): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
    .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}
