// Issue 15 (dedup16): distinct texts of 20+ words, and near-copies of them, for the near-duplicate tests and bench.
import { seededRandom } from './demo-texts.js';

const WORDS = (
  'acme delivery parcel late order refund support kettle coffee machine warranty broken screen battery app update ' +
  'store staff friendly price expensive cheap quality design colour size shipping courier weekend morning evening ' +
  'city train station office bank card payment login password account email newsletter review star rating customer ' +
  'service manager phone call chat answer waiting queue week month year brand product launch announce report factory'
).split(' ');

/** `count` unrelated texts of 24 words each, the same for a seed. */
export function distinctTexts(count: number, seed = 1): string[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => `story ${i} ` + Array.from({ length: 24 }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' '));
}

/** A repost: the same text with a prefix and a link (similarity well above 0.6). */
export function copyOf(text: string, k: number): string {
  return `RT ${text} https://t.co/x${k}`;
}
