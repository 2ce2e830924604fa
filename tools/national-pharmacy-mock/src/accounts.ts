import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** One pharmacy's account at the authority: one per `ma_co_so`. */
export const accountSchema = z.object({
  ma_co_so: z.string().min(1),
  usr: z.string().min(1),
  pwd: z.string().min(1),
});
export type Account = z.infer<typeof accountSchema>;

export const accountListSchema = z
  .array(accountSchema)
  .min(1, 'needs at least one account')
  .superRefine((list, ctx) => {
    const seen = { ma_co_so: new Set<string>(), usr: new Set<string>() };
    list.forEach((a, i) => {
      for (const key of ['ma_co_so', 'usr'] as const) {
        if (seen[key].has(a[key])) {
          ctx.addIssue({ code: 'custom', path: [i, key], message: `duplicate ${key} ${a[key]}` });
        }
        seen[key].add(a[key]);
      }
    });
  });

/** The accounts file: `[{ma_co_so, usr, pwd}]` or `{"accounts": [...]}`. */
export function loadAccountsFile(path: string): Account[] {
  const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const list = Array.isArray(raw) ? raw : (raw as { accounts?: unknown }).accounts;
  return accountListSchema.parse(list);
}

/** Look-ups by user name (login) and by pharmacy code (validation). */
export class AccountDirectory {
  private readonly byUsr = new Map<string, Account>();
  private readonly byCode = new Map<string, Account>();

  constructor(readonly all: readonly Account[]) {
    for (const a of all) {
      this.byUsr.set(a.usr, a);
      this.byCode.set(a.ma_co_so, a);
    }
  }

  /** The account whose password matches, else undefined (one answer for every reason). */
  authenticate(usr: string, pwd: string): Account | undefined {
    const a = this.byUsr.get(usr);
    return a && a.pwd === pwd ? a : undefined;
  }

  byUser(usr: string): Account | undefined {
    return this.byUsr.get(usr);
  }

  has(maCoSo: string): boolean {
    return this.byCode.has(maCoSo);
  }
}
