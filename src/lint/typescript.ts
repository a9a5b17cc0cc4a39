import { createRequire } from 'node:module';
import type TS from 'typescript';

// Required, not imported: importing the 9 MB CommonJS compiler as an ES module makes Node scan all of
// it for export names first, about a second more than require on this machine.
export const ts = createRequire(import.meta.url)('typescript') as typeof TS;
