/**
 * The store edge pseudonymises loyalty ids with the chain's key before anything is stored or sent;
 * the function lives in the runtime because the ingest gateway and ingest check its output format.
 */
export { pseudonymiseCustomer } from '@retail-stream/runtime';
