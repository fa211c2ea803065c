// Issue 15: producers compress their record batches (`bus.compression`, default lz4), with either
// client. @platformatic/kafka has lz4 built in (wasm, @platformatic/wasm-utils); kafkajs ships only
// gzip and leaves LZ4 and ZSTD to codecs registered on its module-level CompressionCodecs table, so
// this module registers them, on the same wasm lz4 (LZ4 frame format, as Kafka's KIP-57 wants) and
// on node:zlib's zstd where the Node version has it (22.15 and later). No native module either way.
//
// Registering is process-wide and idempotent; it also lets a kafkajs consumer read batches that the
// other client (or any Kafka producer) compressed with lz4 or zstd.
import zlib from 'node:zlib';
import kafkajs from 'kafkajs'; // CommonJS: its CompressionCodecs table is not a named ESM export

import { lz4Compress, lz4Decompress } from '@platformatic/wasm-utils';

import { compressionAvailable, type Compression } from './config.js';

const zstd = zlib as unknown as {
  zstdCompressSync?: (data: Buffer) => Buffer;
  zstdDecompressSync?: (data: Buffer) => Buffer;
};

/** kafkajs' Encoder: what its compress() receives. */
interface Encoder {
  buffer: Buffer;
}

const lz4Codec = {
  async compress(encoder: Encoder): Promise<Buffer> {
    return lz4Compress(encoder.buffer);
  },
  async decompress(buffer: Buffer): Promise<Buffer> {
    return lz4Decompress(buffer);
  },
};

const zstdCodec = {
  async compress(encoder: Encoder): Promise<Buffer> {
    return (zstd.zstdCompressSync as (data: Buffer) => Buffer)(encoder.buffer);
  },
  async decompress(buffer: Buffer): Promise<Buffer> {
    return (zstd.zstdDecompressSync as (data: Buffer) => Buffer)(buffer);
  },
};

const { CompressionCodecs, CompressionTypes } = kafkajs;
const codecs = CompressionCodecs as unknown as Record<number, () => unknown>;
codecs[CompressionTypes.LZ4] = () => lz4Codec;
if (compressionAvailable('zstd')) codecs[CompressionTypes.ZSTD] = () => zstdCodec;

/** The kafkajs compression type of a `bus.compression` value. */
export function kafkajsCompression(compression: Compression): kafkajs.CompressionTypes {
  switch (compression) {
    case 'none':
      return CompressionTypes.None;
    case 'gzip':
      return CompressionTypes.GZIP;
    case 'lz4':
      return CompressionTypes.LZ4;
    case 'zstd':
      return CompressionTypes.ZSTD;
  }
}
