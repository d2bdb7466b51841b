export { CharTokenizer } from './char-tokenizer.js';
export {
  CHAR_TOKENIZER_FORMAT,
  CHAR_TOKENIZER_FORMAT_VERSION,
  type CharTokenizerJSON,
} from './char-tokenizer-json.js';
export {
  type CharTokenizerOptions,
  DEFAULT_UNK_TOKEN,
  type FromTextOptions,
  type VocabularyOrder,
} from './char-tokenizer-options.js';
export { CharacterScan } from './character-scan.js';
export type { ChunkEncoder } from './chunk-encoder.js';
export { describeCharacter } from './describe-character.js';
export {
  TokenIdRangeError,
  TokenizerFormatError,
  UnknownCharacterError,
  VocabularyError,
} from './errors.js';
export { allocateTokenIds, type TokenIds } from './token-ids.js';
