import type { DocModel } from '../model.js';
import { InputError } from '../model.js';
export async function loadPdf(_bytes: Buffer): Promise<DocModel> {
  throw new InputError('PDF not supported yet', 'unsupported');
}
