import { installFastEventParsing } from './fastEventParsing.js';
import { installFastHeaderLookup } from './fastHeaderLookup.js';
import { installSafeUrlDecoding } from './safeUrlDecoding.js';
import { installSingleWriteCommands } from './singleWriteCommands.js';

/** Every fix we apply to modesl (each explained in its own file); safe to call more than once. */
export function installModeslPatches(): void {
  installSafeUrlDecoding();
  installFastHeaderLookup();
  installFastEventParsing();
  installSingleWriteCommands();
}
