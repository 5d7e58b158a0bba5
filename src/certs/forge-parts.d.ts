// Types for the node-forge modules forge.ts loads one by one: @types/node-forge describes only the package's
// index; each part registers itself on the one forge object, which forge.ts types as the index's.
declare module 'node-forge/lib/forge.js' {
  const forge: unknown;
  export default forge;
}
declare module 'node-forge/lib/x509.js';
declare module 'node-forge/lib/sha256.js';
