import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { DrugDirectory } from './drug-directory.ts';
import { StoreClient } from './store-client.ts';

const DRUG = { national_drug_code: 'DQG00010231', registration_no: 'VD-21134-14', unit: 'Viên' };

/** A store's product lookup: barcodes starting with 9 are medicines; counts the lookups. */
async function catalogueServer() {
  const asked: string[] = [];
  const server = http.createServer((req, res) => {
    const barcode = req.url!.split('/').at(-1)!;
    asked.push(barcode);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ barcode, price_minor: '1000', drug: barcode.startsWith('9') ? DRUG : null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, asked, client: new StoreClient({ baseUrl: url, token: 't' }) };
}

describe('DrugDirectory', () => {
  const servers: http.Server[] = [];
  afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

  it('marks medicines from the product lookup, asking each barcode once per run whichever store asks', async () => {
    const a = await catalogueServer();
    const b = await catalogueServer();
    servers.push(a.server, b.server);
    const items = Array.from({ length: 40 }, (_, i) => ({
      sku: `SKU-${i}`,
      barcode: `${i % 4 === 0 ? 9 : 1}${String(i).padStart(3, '0')}`,
    }));
    const directory = new DrugDirectory();
    const [fromA, fromB] = await Promise.all([
      directory.annotate(a.client, items),
      directory.annotate(b.client, items),
    ]);
    expect(fromA).toEqual(fromB);
    expect(fromA.filter((i) => i.drug).map((i) => i.sku)).toEqual(
      items.filter((_, i) => i % 4 === 0).map((i) => i.sku),
    );
    expect(fromA[0]!.drug).toEqual({
      national_drug_code: DRUG.national_drug_code,
      registration_no: DRUG.registration_no,
    });
    expect(fromA[1]!.drug).toBeNull();
    expect([...a.asked, ...b.asked].sort()).toEqual(items.map((i) => i.barcode).sort());
  });

  it('asks nothing when the catalogue already says which products are medicines', async () => {
    const a = await catalogueServer();
    servers.push(a.server);
    const items = [
      { sku: 'A', barcode: '9001', drug: { national_drug_code: 'X', registration_no: 'Y' } },
      { sku: 'B', barcode: '1002', drug: null },
    ];
    expect(await new DrugDirectory().annotate(a.client, items)).toEqual(items);
    expect(a.asked).toEqual([]);
  });
});
