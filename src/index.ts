/** redscope as a library: the embedded engine and its codecs. */
export { Engine, type EngineOptions } from './engine/engine.js';
export { Session, BlockRequest } from './engine/session.js';
export * from './engine/reply.js';
export { bytesFromUtf8, bytesToUtf8, bytesFromBuffer, bytesToBuffer, type Bytes } from './engine/bytes.js';
export { encodeReply, encodeCommand } from './resp/encoder.js';
export { RespDecoder } from './resp/decoder.js';
