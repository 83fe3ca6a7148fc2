/** Where the shared public data lives: `../shared/data` beside the project (read there, never copied). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DATA = process.env.MERIDIAN_SHARED_DATA ?? path.resolve(root, '../shared/data');
export const SHARED_REFERENCE = path.join(SHARED_DATA, 'reference');
