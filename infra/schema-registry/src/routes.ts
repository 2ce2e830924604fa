import express, { type Router } from 'express';
import { parseCompatibilityLevel } from './compatibility-level.ts';
import { methodNotAllowed } from './error-handler.ts';
import { sendJson, sendRaw } from './http-json.ts';
import type { RegistryStore } from './registry-store.ts';
import {
  parseConfigUpdate,
  parseFlags,
  parseSchemaId,
  parseSchemaInput,
  parseVersionSpec,
} from './request-schemas.ts';
import type { SubjectVersion } from './types.ts';

/**
 * The Confluent Schema Registry REST API subset this registry implements (see README.md). Paths,
 * bodies and status codes follow Confluent so clients cannot tell the two apart; every handler
 * validates its input, asks the store, and shapes Confluent's JSON.
 */
export function routes(store: RegistryStore): Router {
  const router = express.Router();

  router
    .route('/')
    .get((_req, res) => sendJson(res, 200, {}))
    .all(methodNotAllowed);

  // ── subjects ───────────────────────────────────────────────────────────────
  router
    .route('/subjects')
    .get((req, res) => sendJson(res, 200, store.listSubjects(parseFlags(req.query).deleted)))
    .all(methodNotAllowed);

  router
    .route('/subjects/:subject')
    .post((req, res) => {
      const found = store.lookup(
        req.params.subject,
        parseSchemaInput(req.body),
        parseFlags(req.query).deleted,
      );
      sendJson(res, 200, versionBody(found));
    })
    .delete((req, res) => {
      sendJson(res, 200, store.deleteSubject(req.params.subject, parseFlags(req.query).permanent));
    })
    .all(methodNotAllowed);

  router
    .route('/subjects/:subject/versions')
    .get((req, res) =>
      sendJson(res, 200, store.listVersions(req.params.subject, parseFlags(req.query).deleted)),
    )
    .post((req, res) => {
      const { id } = store.register(req.params.subject, parseSchemaInput(req.body));
      sendJson(res, 200, { id });
    })
    .all(methodNotAllowed);

  router
    .route('/subjects/:subject/versions/:version')
    .get((req, res) => {
      const spec = parseVersionSpec(req.params.version);
      sendJson(
        res,
        200,
        versionBody(store.getVersion(req.params.subject, spec, parseFlags(req.query).deleted)),
      );
    })
    .delete((req, res) => {
      const spec = parseVersionSpec(req.params.version);
      sendJson(res, 200, store.deleteVersion(req.params.subject, spec, parseFlags(req.query).permanent));
    })
    .all(methodNotAllowed);

  router
    .route('/subjects/:subject/versions/:version/schema')
    .get((req, res) => {
      const spec = parseVersionSpec(req.params.version);
      sendRaw(res, 200, store.getVersion(req.params.subject, spec, parseFlags(req.query).deleted).schema);
    })
    .all(methodNotAllowed);

  router
    .route('/subjects/:subject/versions/:version/referencedby')
    .get((req, res) => {
      sendJson(res, 200, store.referencedBy(req.params.subject, parseVersionSpec(req.params.version)));
    })
    .all(methodNotAllowed);

  // ── schemas by id ──────────────────────────────────────────────────────────
  router
    .route('/schemas/types')
    .get((_req, res) => sendJson(res, 200, ['AVRO']))
    .all(methodNotAllowed);

  router
    .route('/schemas/ids/:id')
    .get((req, res) => {
      const { schema, references } = store.schemaById(parseSchemaId(req.params.id));
      sendJson(res, 200, withReferences({ schema }, references));
    })
    .all(methodNotAllowed);

  router
    .route('/schemas/ids/:id/schema')
    .get((req, res) => sendRaw(res, 200, store.schemaById(parseSchemaId(req.params.id)).schema))
    .all(methodNotAllowed);

  router
    .route('/schemas/ids/:id/versions')
    .get((req, res) => {
      const id = parseSchemaId(req.params.id);
      sendJson(res, 200, store.subjectVersionsOfId(id, parseFlags(req.query).deleted));
    })
    .all(methodNotAllowed);

  router
    .route('/schemas/ids/:id/subjects')
    .get((req, res) => {
      const usages = store.subjectVersionsOfId(parseSchemaId(req.params.id), parseFlags(req.query).deleted);
      sendJson(res, 200, [...new Set(usages.map((u) => u.subject))]);
    })
    .all(methodNotAllowed);

  // ── compatibility configuration and checks ─────────────────────────────────
  router
    .route('/config')
    .get((_req, res) => sendJson(res, 200, { compatibilityLevel: store.globalCompatibility() }))
    .put((req, res) => {
      const level = parseCompatibilityLevel(parseConfigUpdate(req.body));
      sendJson(res, 200, { compatibility: store.setGlobalCompatibility(level) });
    })
    .all(methodNotAllowed);

  router
    .route('/config/:subject')
    .get((req, res) => {
      const level = store.subjectCompatibility(req.params.subject, parseFlags(req.query).defaultToGlobal);
      sendJson(res, 200, { compatibilityLevel: level });
    })
    .put((req, res) => {
      const level = parseCompatibilityLevel(parseConfigUpdate(req.body));
      sendJson(res, 200, { compatibility: store.setSubjectCompatibility(req.params.subject, level) });
    })
    .delete((req, res) => {
      sendJson(res, 200, { compatibilityLevel: store.deleteSubjectCompatibility(req.params.subject) });
    })
    .all(methodNotAllowed);

  router
    .route('/compatibility/subjects/:subject/versions/:version')
    .post((req, res) => {
      const spec = parseVersionSpec(req.params.version);
      const problems = store.compatibilityProblems(req.params.subject, spec, parseSchemaInput(req.body));
      sendJson(res, 200, compatibilityBody(problems, parseFlags(req.query).verbose));
    })
    .all(methodNotAllowed);

  router
    .route('/compatibility/subjects/:subject/versions')
    .post((req, res) => {
      const problems = store.compatibilityProblems(req.params.subject, undefined, parseSchemaInput(req.body));
      sendJson(res, 200, compatibilityBody(problems, parseFlags(req.query).verbose));
    })
    .all(methodNotAllowed);

  // Import/read-only modes are not implemented; reporting READWRITE tells clients writes are accepted.
  router
    .route('/mode')
    .get((_req, res) => sendJson(res, 200, { mode: 'READWRITE' }))
    .all(methodNotAllowed);

  return router;
}

/** Confluent leaves out `schemaType` for Avro and `references` when there are none. */
function versionBody(v: SubjectVersion) {
  return withReferences({ subject: v.subject, version: v.version, id: v.id, schema: v.schema }, v.references);
}

function withReferences<T extends object>(body: T, references: SubjectVersion['references']) {
  return references.length > 0 ? { ...body, references } : body;
}

function compatibilityBody(problems: string[], verbose: boolean) {
  return verbose
    ? { is_compatible: problems.length === 0, messages: problems }
    : { is_compatible: problems.length === 0 };
}
