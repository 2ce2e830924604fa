import { makeEan13 } from './ean13.ts';
import { pick, seededRandom, seedFromString } from '@retail-stream/runtime';

export interface SeedProduct {
  sku: string;
  barcode: string;
  name: string;
  category: string;
  brand: string;
  price_minor: number;
  tax_rate_bp: number;
}

interface CategorySpec {
  name: string;
  /** VAT in basis points; Vietnam's 0/5/8/10% bands. */
  tax_rate_bp: 0 | 500 | 800 | 1000;
  brands: string[];
  items: string[];
  variants: string[];
  /** Shelf price band in VND (no minor unit), VAT included. */
  min: number;
  max: number;
}

const CATEGORIES: CategorySpec[] = [
  {
    name: 'Rice & Grains',
    tax_rate_bp: 500,
    brands: ['Vinafood', 'Ngoc Tram', 'Meizan', 'Phu Minh Tam'],
    items: ['Jasmine Rice', 'ST25 Rice', 'Sticky Rice', 'Brown Rice', 'Oats'],
    variants: ['1kg', '2kg', '5kg', '10kg'],
    min: 20_000,
    max: 400_000,
  },
  {
    name: 'Instant Noodles',
    tax_rate_bp: 800,
    brands: ['Acecook', 'Masan', 'Uniben', 'Vifon'],
    items: ['Shrimp Noodles', 'Beef Pho', 'Chicken Noodles', 'Hu Tieu', 'Bun Bo Hue'],
    variants: ['Single', 'Pack of 5', 'Box of 30', 'Cup'],
    min: 5_000,
    max: 150_000,
  },
  {
    name: 'Beverages',
    tax_rate_bp: 1000,
    brands: ['Tan Hiep Phat', 'Coca-Cola', 'Pepsico', 'Vinamilk', 'Trung Nguyen'],
    items: ['Green Tea', 'Cola', 'Orange Soda', 'Instant Coffee', 'Mineral Water', 'Energy Drink'],
    variants: ['330ml', '500ml', '1.5L', '6-pack', '24-can case'],
    min: 5_000,
    max: 450_000,
  },
  {
    name: 'Dairy',
    tax_rate_bp: 500,
    brands: ['Vinamilk', 'TH True Milk', 'Dutch Lady', 'Nutifood'],
    items: ['Fresh Milk', 'Yogurt', 'Condensed Milk', 'Cheese', 'Butter'],
    variants: ['180ml', '1L', '4-pack', 'Family size'],
    min: 8_000,
    max: 300_000,
  },
  {
    name: 'Snacks',
    tax_rate_bp: 800,
    brands: ['Oishi', 'Orion', 'Kinh Do', "Lay's", 'Bibica'],
    items: ['Prawn Crackers', 'Choco Pie', 'Potato Chips', 'Mooncake', 'Cookies'],
    variants: ['Small', 'Regular', 'Party Pack', 'Gift Box'],
    min: 5_000,
    max: 600_000,
  },
  {
    name: 'Condiments',
    tax_rate_bp: 800,
    brands: ['Chin-su', 'Nam Ngu', 'Phu Quoc Hung Thanh', 'Cholimex'],
    items: ['Fish Sauce', 'Soy Sauce', 'Chili Sauce', 'Seasoning Powder', 'Cooking Oil'],
    variants: ['250ml', '500ml', '1L', '2L'],
    min: 8_000,
    max: 250_000,
  },
  {
    name: 'Fresh Produce',
    tax_rate_bp: 0,
    brands: ['Da Lat Farm', 'VinEco', 'Mekong Fresh'],
    items: ['Bok Choy', 'Tomatoes', 'Dragon Fruit', 'Mangoes', 'Bananas', 'Carrots'],
    variants: ['500g', '1kg', 'Bunch', 'Tray'],
    min: 10_000,
    max: 200_000,
  },
  {
    name: 'Frozen Food',
    tax_rate_bp: 500,
    brands: ['CP', 'Vissan', 'Ba Huan', 'Cau Tre'],
    items: ['Spring Rolls', 'Dumplings', 'Sausages', 'Fish Balls', 'Chicken Wings'],
    variants: ['300g', '500g', '1kg'],
    min: 30_000,
    max: 350_000,
  },
  {
    name: 'Personal Care',
    tax_rate_bp: 1000,
    brands: ['Unilever', 'P&G', 'Thorakao', 'Cocoon', 'Colgate'],
    items: ['Shampoo', 'Body Wash', 'Toothpaste', 'Sunscreen', 'Face Cream', 'Deodorant'],
    variants: ['100ml', '250ml', '650ml', 'Twin Pack'],
    min: 15_000,
    max: 800_000,
  },
  {
    name: 'Household',
    tax_rate_bp: 1000,
    brands: ['Sunlight', 'OMO', 'Lix', 'Duy Tan', 'Sunhouse'],
    items: ['Dish Soap', 'Laundry Powder', 'Floor Cleaner', 'Storage Box', 'Frying Pan'],
    variants: ['Small', 'Medium', 'Large', 'Refill'],
    min: 12_000,
    max: 1_200_000,
  },
  {
    name: 'Baby',
    tax_rate_bp: 500,
    brands: ['Bobby', 'Huggies', 'Abbott', 'Nestle'],
    items: ['Diapers', 'Formula Milk', 'Baby Wipes', 'Cereal'],
    variants: ['Newborn', 'Size M', 'Size L', '900g'],
    min: 40_000,
    max: 1_500_000,
  },
  {
    name: 'Electronics',
    tax_rate_bp: 1000,
    brands: ['Xiaomi', 'Philips', 'Panasonic', 'Anker'],
    items: ['Rice Cooker', 'Electric Kettle', 'Power Bank', 'Earphones', 'LED Bulb', 'Fan'],
    variants: ['Standard', 'Plus', 'Pro'],
    min: 50_000,
    max: 2_000_000,
  },
  {
    name: 'Stationery',
    tax_rate_bp: 1000,
    brands: ['Thien Long', 'Hong Ha', 'Deli'],
    items: ['Ballpoint Pen', 'Notebook', 'Highlighter', 'Glue Stick', 'Ruler'],
    variants: ['Single', 'Pack of 5', 'Pack of 10'],
    min: 5_000,
    max: 120_000,
  },
];

export const PRICE_MIN = 5_000;
export const PRICE_MAX = 2_000_000;
/** Vietnam's GS1 prefix; barcodes are 893 + 4-digit maker + 5-digit item + check digit. */
const GS1_PREFIX = '893';

/** Log-uniform, so cheap everyday goods outnumber expensive ones as on a real shelf; 500 VND steps. */
function price(random: () => number, min: number, max: number): number {
  const raw = Math.exp(Math.log(min) + random() * (Math.log(max) - Math.log(min)));
  return Math.min(PRICE_MAX, Math.max(PRICE_MIN, Math.round(raw / 500) * 500));
}

/** The same `count` products for the same seed, on every machine. */
export function generateCatalogue(count: number, seed = 42): SeedProduct[] {
  if (!Number.isInteger(count) || count < 1 || count > 99_999) throw new RangeError('count must be 1..99999');
  const random = seededRandom(seed);
  const brands = [...new Set(CATEGORIES.flatMap((c) => c.brands))];
  const products: SeedProduct[] = [];
  for (let i = 0; i < count; i++) {
    const cat = CATEGORIES[i % CATEGORIES.length]!;
    const brand = pick(random, cat.brands);
    const maker = String(1000 + brands.indexOf(brand)).padStart(4, '0');
    products.push({
      sku: `SKU-${String(i + 1).padStart(6, '0')}`,
      barcode: makeEan13(`${GS1_PREFIX}${maker}${String(i + 1).padStart(5, '0')}`),
      name: `${brand} ${pick(random, cat.items)} ${pick(random, cat.variants)}`,
      category: cat.name,
      brand,
      price_minor: price(random, cat.min, cat.max),
      tax_rate_bp: cat.tax_rate_bp,
    });
  }
  return products;
}

/** Opening stock of one store: 0–200 units, a few SKUs out of stock, different per store but reproducible. */
export function startingStock(storeId: string, products: readonly SeedProduct[]): number[] {
  const random = seededRandom(seedFromString(storeId));
  return products.map(() => (random() < 0.03 ? 0 : Math.floor(random() * 200) + 1));
}
