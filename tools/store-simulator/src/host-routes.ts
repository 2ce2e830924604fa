import { requireControlToken } from '@retail-stream/runtime';
import { Router, type Request, type Response } from 'express';
import type { StoreHost } from './store-host.ts';

/**
 * Control API of the multi-store host, on its ops port beside /metrics, /healthz and /readyz
 * (which stay open); every /control route needs the STORE_HOST_CONTROL_TOKEN bearer token:
 * GET /control/stores, GET /control/stores/backlog, GET /control/stores/:id/lots,
 * POST /control/stores/:id/offline | /online.
 */
export function hostControlRoutes(host: StoreHost, opts: { tokenSha256?: readonly string[] } = {}): Router {
  const r = Router();
  // Without hashes the host is on loopback (host-main.ts refuses otherwise) and the API is open.
  if (opts.tokenSha256) r.use('/control', requireControlToken(opts.tokenSha256, 'store-host'));
  r.get('/control/stores', (_req, res) => {
    res.json({ stores: host.list() });
  });
  r.get('/control/stores/backlog', async (_req, res) => {
    res.json({ stores: await host.backlog() });
  });
  const notFound = (res: Response, id: string) =>
    res
      .status(404)
      .json({ error: { code: 'STORE_NOT_FOUND', message: `no store '${id.slice(0, 64)}' here` } });
  r.get('/control/stores/:id/lots', async (req, res) => {
    const id = String(req.params.id ?? '');
    const lots = await host.lots(id);
    if (!lots) return void notFound(res, id);
    res.json({ lots });
  });
  const setOnline = (online: boolean) => (req: Request, res: Response) => {
    const id = String(req.params.id ?? '');
    const store = host.setOnline(id, online);
    if (!store) return void notFound(res, id);
    res.json(store);
  };
  r.post('/control/stores/:id/offline', setOnline(false));
  r.post('/control/stores/:id/online', setOnline(true));
  return r;
}
