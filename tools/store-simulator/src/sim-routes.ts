import { requireControlToken } from '@retail-stream/runtime';
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { CONTROL_PAGE } from './control-page.ts';
import type { Simulator } from './simulator.ts';

const rateBody = z.strictObject({ rate: z.number().positive().max(10_000) });

/**
 * Every /api route needs the SIM_CONTROL_TOKEN bearer token when one is configured.
 * GET / (control page), GET /api/status, POST /api/start | /api/pause | /api/stop,
 * POST /api/rate {rate}, POST /api/stores/:id/offline | /online.
 */
export function simulatorRoutes(sim: Simulator, opts: { tokenSha256?: readonly string[] } = {}): Router {
  const r = Router();
  // The page itself holds no data or secret: it is open, and sends the token from its URL fragment.
  r.get('/', (_req, res) => {
    res.type('html').send(CONTROL_PAGE);
  });
  // Without hashes the simulator is on loopback (simulate-main.ts refuses otherwise) and /api is open.
  if (opts.tokenSha256) r.use('/api', requireControlToken(opts.tokenSha256, 'store-simulator'));
  r.get('/api/status', (_req, res) => {
    res.json(sim.status());
  });
  r.post('/api/start', (_req, res) => {
    sim.start();
    res.json(sim.status());
  });
  r.post('/api/pause', (_req, res) => {
    sim.pause();
    res.json(sim.status());
  });
  r.post('/api/stop', (_req, res) => {
    void sim.stop('stopped from the control API');
    res.status(202).json(sim.status());
  });
  r.post('/api/rate', express.json({ limit: 1024 }), (req, res) => {
    const parsed = rateBody.safeParse(req.body);
    if (!parsed.success) {
      res
        .status(400)
        .json({ error: { code: 'INVALID_RATE', message: 'body must be {"rate": sales per second, > 0}' } });
      return;
    }
    sim.setRate(parsed.data.rate);
    res.json(sim.status());
  });
  const setOnline = (online: boolean) => async (req: Request, res: Response) => {
    const id = String(req.params.id ?? '');
    if (!sim.status().stores.some((s) => s.store_id === id)) {
      res
        .status(404)
        .json({ error: { code: 'STORE_NOT_FOUND', message: 'this run does not drive that store' } });
      return;
    }
    try {
      res.json(await sim.setStoreOnline(id, online));
    } catch (err) {
      res.status(502).json({ error: { code: 'HOST_UNAVAILABLE', message: (err as Error).message } });
    }
  };
  r.post('/api/stores/:id/offline', setOnline(false));
  r.post('/api/stores/:id/online', setOnline(true));
  return r;
}
