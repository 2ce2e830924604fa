/**
 * The simulator's built-in control page: plain HTML and fetch against /api/*, no build step.
 * The API token comes in the URL fragment (`/#token=…`, printed by the demo): a fragment is never
 * sent to a server or written to its access log. The page moves it to sessionStorage (this tab
 * only), removes it from the address bar, and sends it as `Authorization: Bearer`.
 */
export const CONTROL_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>retail-stream store simulator</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 2rem; color: #222; }
  h1 { font-size: 1.3rem; }
  table { border-collapse: collapse; margin-top: 1rem; }
  td, th { border: 1px solid #ccc; padding: .3rem .6rem; text-align: left; }
  .num { text-align: right; font-variant-numeric: tabular-nums; }
  .off { color: #b00; font-weight: bold; }
  button { margin-right: .4rem; }
  #msg { color: #b00; min-height: 1.2em; }
</style>
</head>
<body>
<h1>Store simulator</h1>
<p>
  <button id="start">Start</button><button id="pause">Pause</button><button id="stop">Finish run</button>
  rate <input id="rate" type="number" min="0.1" step="0.5" style="width:6em"> sales/s <button id="setRate">Set</button>
</p>
<div id="msg"></div>
<div id="state"></div>
<table id="counters"></table>
<table id="stores"><thead><tr><th>store</th><th>name</th><th>tills</th><th>open</th><th>link to HQ</th><th></th></tr></thead><tbody></tbody></table>
<script>
const $ = (id) => document.getElementById(id);
const fromUrl = new URLSearchParams(location.hash.slice(1)).get('token');
if (fromUrl) { sessionStorage.setItem('sim-token', fromUrl); history.replaceState(null, '', location.pathname); }
const token = sessionStorage.getItem('sim-token');
async function call(method, path, body) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = 'Bearer ' + token;
  const res = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  const json = await res.json().catch(() => ({}));
  $('msg').textContent = res.status === 401 ? 'unauthorised: open the control page link with #token=… that the demo printed'
    : res.ok ? '' : (json.error && json.error.message) || res.statusText;
  return json;
}
function text(v) { return document.createTextNode(String(v)); }
function row(cells) {
  const tr = document.createElement('tr');
  for (const c of cells) { const td = document.createElement('td'); td.append(c instanceof Node ? c : text(c)); tr.append(td); }
  return tr;
}
async function refresh() {
  const s = await call('GET', '/api/status');
  if (!s.stats) return;
  $('state').textContent = s.state + ' · ' + s.elapsed_s.toFixed(0) + 's' + (s.duration_s ? ' of ' + s.duration_s + 's' : '') + ' · target ' + s.target_rate + ' sales/s · ledger ' + s.ledger.file + ' (' + s.ledger.records + ' records)';
  if (document.activeElement !== $('rate')) $('rate').value = s.target_rate;
  const c = $('counters'); c.replaceChildren();
  const money = Object.entries(s.stats.sales_minor).map(([k, v]) => v.toLocaleString() + ' ' + k).join(', ');
  for (const [k, v] of [['sales', s.stats.sales], ['sold', money || 0], ['items', s.stats.items], ['voids', s.stats.voids], ['refunds', s.stats.refunds],
      ['goods receipts', s.stats.goods_receipts], ['stock counts', s.stats.stock_counts], ['write-offs', s.stats.write_offs], ['pharmacy documents', s.stats.pharmacy_documents], ['declined payments', s.stats.payment_declines], ['medicine out of stock', s.stats.out_of_stock],
      ['retries', s.stats.retries], ['errors', s.stats.errors], ['in flight', s.stats.in_flight]]) c.append(row([k, v]));
  const tb = document.querySelector('#stores tbody'); tb.replaceChildren();
  for (const st of s.stores) {
    const b = document.createElement('button');
    b.textContent = st.online ? 'take offline' : 'bring online';
    b.onclick = () => call('POST', '/api/stores/' + encodeURIComponent(st.store_id) + (st.online ? '/offline' : '/online')).then(refresh);
    const link = document.createElement('span'); link.textContent = st.online ? 'online' : 'OFFLINE'; if (!st.online) link.className = 'off';
    tb.append(row([st.store_id, st.name, st.tills, st.open ? 'open' : 'closed', link, b]));
  }
}
$('start').onclick = () => call('POST', '/api/start').then(refresh);
$('pause').onclick = () => call('POST', '/api/pause').then(refresh);
$('stop').onclick = () => call('POST', '/api/stop').then(refresh);
$('setRate').onclick = () => call('POST', '/api/rate', { rate: Number($('rate').value) }).then(refresh);
refresh(); setInterval(refresh, 1000);
</script>
</body>
</html>
`;
