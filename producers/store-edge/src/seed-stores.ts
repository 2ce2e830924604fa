import { pick, seededRandom } from '@retail-stream/runtime';
import type { StoreProfile } from './store-profile.ts';

interface City {
  city: string;
  region: string;
  timezone: string;
  districts: string[];
  /** Relative share of stores. */
  weight: number;
}

// The chain is Vietnamese with a few cross-border stores; everything is priced in VND.
const CITIES: City[] = [
  {
    city: 'Ho Chi Minh City',
    region: 'VN-South',
    timezone: 'Asia/Ho_Chi_Minh',
    districts: ['District 1', 'District 3', 'Binh Thanh', 'Thu Duc', 'Go Vap', 'Tan Binh'],
    weight: 6,
  },
  {
    city: 'Hanoi',
    region: 'VN-North',
    timezone: 'Asia/Ho_Chi_Minh',
    districts: ['Hoan Kiem', 'Ba Dinh', 'Cau Giay', 'Dong Da', 'Tay Ho'],
    weight: 5,
  },
  {
    city: 'Da Nang',
    region: 'VN-Central',
    timezone: 'Asia/Ho_Chi_Minh',
    districts: ['Hai Chau', 'Son Tra', 'Thanh Khe'],
    weight: 2,
  },
  {
    city: 'Hai Phong',
    region: 'VN-North',
    timezone: 'Asia/Ho_Chi_Minh',
    districts: ['Ngo Quyen', 'Le Chan'],
    weight: 1,
  },
  {
    city: 'Can Tho',
    region: 'VN-South',
    timezone: 'Asia/Ho_Chi_Minh',
    districts: ['Ninh Kieu', 'Cai Rang'],
    weight: 1,
  },
  {
    city: 'Phnom Penh',
    region: 'KH',
    timezone: 'Asia/Phnom_Penh',
    districts: ['Daun Penh', 'Chamkar Mon'],
    weight: 1,
  },
  { city: 'Vientiane', region: 'LA', timezone: 'Asia/Vientiane', districts: ['Chanthabouly'], weight: 1 },
  { city: 'Bangkok', region: 'TH', timezone: 'Asia/Bangkok', districts: ['Sukhumvit', 'Silom'], weight: 1 },
];

/** Store ids prefix + zero-padded number (s001, s002, …): valid store ids and database names. */
export function storeId(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(3, '0')}`;
}

/** Metadata for stores first..first+count-1, the same for the same numbers on every run. */
export function generateStores(
  count: number,
  opts: { first?: number; prefix?: string; seed?: number } = {},
): StoreProfile[] {
  const first = opts.first ?? 1;
  const prefix = opts.prefix ?? 's';
  const weighted = CITIES.flatMap((c) => Array.from({ length: c.weight }, () => c));
  return Array.from({ length: count }, (_, i) => {
    const n = first + i;
    const random = seededRandom((opts.seed ?? 42) * 100_003 + n);
    const city = weighted[(n - 1) % weighted.length]!;
    return {
      store_id: storeId(prefix, n),
      name: `RetailStream ${city.city} ${pick(random, city.districts)} #${n}`,
      timezone: city.timezone,
      currency: 'VND',
      region: city.region,
    };
  });
}
