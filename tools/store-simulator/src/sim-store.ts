import { seededRandom, seedFromString } from '@retail-stream/runtime';
import { BackOffice, loadCatalogue } from './back-office.ts';
import type { DrugDirectory } from './drug-directory.ts';
import type { LotOnHand } from './pharmacy-plan.ts';
import { popularityRanking, ZipfSampler } from './basket.ts';
import { Till, type TillBehaviour } from './checkout.ts';
import type { LedgerRecord } from './ledger.ts';
import { PharmacyWriteOffs } from './pharmacy-write-off.ts';
import { pharmacyRecorder, pharmacySetup } from './pharmacy-store.ts';
import type { SimStats } from './sim-stats.ts';
import type { SimDeps, SimOptions } from './simulator.ts';
import type { HostedStoreInfo } from './store-host.ts';
import { StoreClient } from './store-client.ts';
import { terminalToken } from './terminal-tokens.ts';

/** One store as the simulator drives it: its tills, its back office and, at a pharmacy, its write-offs. */
export interface SimStore {
  info: HostedStoreInfo;
  tills: Till[];
  backOffice: BackOffice;
  /** The pharmacy code this run drives the store as (null: an ordinary store). */
  pharmacyCode: string | null;
  /** Pharmacy stores only. */
  writeOffs?: PharmacyWriteOffs;
}

/** Reads the store's catalogue through its API and builds its tills and back office (seeded streams). */
export async function buildSimStore(
  info: HostedStoreInfo,
  opts: SimOptions,
  deps: SimDeps,
  stats: SimStats,
  behaviour: TillBehaviour,
  drugs: DrugDirectory,
  shelf: (storeId: string) => Promise<LotOnHand[]>,
): Promise<SimStore> {
  if (opts.terminals > info.terminals.length) {
    throw new Error(`${info.store_id} has ${info.terminals.length} tills on the host, not ${opts.terminals}`);
  }
  const client = (terminalId: string) =>
    new StoreClient({
      baseUrl: info.url,
      token: terminalToken(deps.tokenSecret, info.store_id, terminalId),
      onRetry: () => stats.retry(),
    });
  const asPharmacy = opts.pharmacies !== false && info.pharmacy_code !== null;
  const listed = await loadCatalogue(client(info.back_office_terminal));
  if (listed.length === 0) throw new Error(`${info.store_id} has an empty catalogue: seed it first`);
  const catalogue = await drugs.annotate(client(info.back_office_terminal), listed);
  // One ranking per run (seeded): bestsellers are chain-wide, as in real retail.
  const chainRanking = popularityRanking(catalogue, seededRandom(opts.seed));
  // Only pharmacies sell medicines: the store edge tracks them by lot everywhere and refuses a sale
  // its unexpired lots cannot cover, and an ordinary store never receives any.
  const ranked = asPharmacy ? chainRanking : chainRanking.filter((i) => !i.drug);
  if (ranked.length === 0) throw new Error(`${info.store_id} sells nothing but medicines and is no pharmacy`);
  const sampler = new ZipfSampler(ranked.length);
  const stream = (name: string) => seededRandom(seedFromString(`${opts.seed}:${info.store_id}:${name}`));
  const pharmacy = asPharmacy
    ? pharmacySetup(info.pharmacy_code!, ranked, opts.pharmacyBehaviour)
    : undefined;
  // At a pharmacy every operation is followed in the ledger by the national document it yields.
  const write = (r: LedgerRecord) => deps.ledger.write(r);
  const record = pharmacy ? pharmacyRecorder(write, pharmacy.store, stats) : write;
  const tillPharmacy = pharmacy && {
    drugs: pharmacy.drugs,
    others: pharmacy.others,
    behaviour: pharmacy.behaviour,
  };
  const tills = info.terminals.slice(0, opts.terminals).map(
    (terminalId, i) =>
      new Till(
        {
          storeId: info.store_id,
          terminalId,
          cashierId: `C${info.store_id}-${String(i + 1).padStart(2, '0')}`,
          client: client(terminalId),
          random: stream(terminalId),
          ranked,
          sampler,
          behaviour,
          qrSecret: deps.qrSecret,
          record,
          stats,
          ...(tillPharmacy ? { pharmacy: tillPharmacy } : {}),
        },
        i === 0 ? opts.script : [],
      ),
  );
  const backOffice = new BackOffice({
    storeId: info.store_id,
    terminalId: info.back_office_terminal,
    staffId: `M${info.store_id}`,
    client: client(info.back_office_terminal),
    random: stream(info.back_office_terminal),
    lotRandom: stream(`${info.back_office_terminal}:lots`),
    ranked,
    sampler,
    record,
    stats,
    ...(tillPharmacy ? { pharmacy: tillPharmacy } : {}),
  });
  const writeOffs =
    pharmacy &&
    new PharmacyWriteOffs({
      storeId: info.store_id,
      currency: info.currency,
      timezone: info.timezone,
      terminalId: info.back_office_terminal,
      staffId: `M${info.store_id}`,
      client: client(info.back_office_terminal),
      random: stream(`${info.back_office_terminal}:write-offs`),
      behaviour: pharmacy.behaviour,
      drugs: pharmacy.store.drugs,
      record,
      stats,
      shelf: () => shelf(info.store_id),
    });
  return {
    info,
    tills,
    backOffice,
    pharmacyCode: pharmacy ? pharmacy.store.ma_co_so : null,
    ...(writeOffs ? { writeOffs } : {}),
  };
}
