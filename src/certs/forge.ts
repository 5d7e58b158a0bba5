// node-forge, only the parts used: X.509 certificates and CSRs (x509.js brings ASN.1, PEM, OIDs, RSA public keys
// and its own dependencies) and SHA-256. The package's index loads all of forge (TLS, PKCS#12, PKCS#7, SSH, ciphers…),
// 372 kB that every certificate command compiled at start; this is 220 kB. Each module registers itself on the one
// forge object, which is the package's documented shape; test/unit/forge-parts.test.ts fails loudly if a part used
// here stops being there after an upgrade.
import type Forge from 'node-forge';
import forgeCore from 'node-forge/lib/forge.js';
import 'node-forge/lib/x509.js';
import 'node-forge/lib/sha256.js';

const forge = forgeCore as typeof Forge;
export default forge;
