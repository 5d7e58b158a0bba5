// The on-disk layout. The names follow commbase.conf's CERTS_AND_KEYS_* variables
// (CERT_PEM_FILE=cert.pem, KEY_PEM_FILE=key.pem, CA_PEM_FILE=ca.pem) so Commbase finds them.
import path from 'node:path';
import { MODE_PUBLIC, MODE_SECRET } from '../core/files.js';

export const CA_CERT_FILE = 'ca.pem';
export const CA_KEY_FILE = 'ca-key.pem';
export const LEAF_CERT_FILE = 'cert.pem';
export const LEAF_KEY_FILE = 'key.pem';
export const CSR_FILE = 'request.csr';
export const CHAIN_FILE = 'chain.pem';

/** The CA key is read-only even for its owner (as mkcert does): replacing it is a deliberate act. */
export const MODE_CA_KEY = 0o400;
export const MODE_KEY = MODE_SECRET;
export const MODE_CERT = MODE_PUBLIC;

export function caPaths(dir: string): { cert: string; key: string } {
  return { cert: path.join(dir, CA_CERT_FILE), key: path.join(dir, CA_KEY_FILE) };
}

export function leafPaths(dir: string): { cert: string; key: string; ca: string; csr: string; chain: string } {
  return {
    cert: path.join(dir, LEAF_CERT_FILE),
    key: path.join(dir, LEAF_KEY_FILE),
    ca: path.join(dir, CA_CERT_FILE),
    csr: path.join(dir, CSR_FILE),
    chain: path.join(dir, CHAIN_FILE),
  };
}
