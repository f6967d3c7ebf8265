import { AtomicFileWriter } from '../io/atomic-file.js';
import { readRdbFile } from './reader.js';
import { collectKeys } from './value.js';
import { RdbWriter, type RdbWriteVersion } from './writer.js';

export interface ConvertRdbOptions {
  version: RdbWriteVersion;
  lossy?: boolean;
  compression?: boolean;
  onLoss?: (what: string) => void;
  onProgress?: (read: number, total: number) => void;
}

export interface ConvertRdbResult {
  keys: number;
  functions: number;
  bytesWritten: number;
  sourceVersion: number;
  losses: string[];
}

/**
 * RDB → RDB of another version, one key in memory at a time; the output appears atomically
 * or not at all.
 */
export async function convertRdbFile(input: string, output: string, options: ConvertRdbOptions): Promise<ConvertRdbResult> {
  const out = new AtomicFileWriter(output);
  const losses: string[] = [];
  const writer = new RdbWriter((b) => out.write(b), {
    version: options.version,
    lossy: options.lossy ?? false,
    compression: options.compression ?? true,
    onLoss: (what) => {
      losses.push(what);
      options.onLoss?.(what);
    },
  });
  const aux: Array<[string, string]> = [];
  let headerWritten = false;
  let keys = 0;
  let functions = 0;
  let pendingDb: { db: number; size?: number; expires?: number } | null = null;
  const ensureHeader = () => {
    if (!headerWritten) {
      writer.header(aux);
      headerWritten = true;
    }
  };
  const flushDb = () => {
    if (pendingDb) {
      writer.selectDb(pendingDb.db, pendingDb.size, pendingDb.expires);
      pendingDb = null;
    }
  };
  try {
    const parser = await readRdbFile(
      input,
      collectKeys(
        ({ info, value }) => {
          ensureHeader();
          flushDb();
          writer.key(info.key, value, { expireAt: info.expireAt, idle: info.idle, freq: info.freq });
          keys++;
        },
        {
          onAux: (k, v) => {
            aux.push([k, v]);
          },
          onSelectDb: (db) => {
            ensureHeader();
            pendingDb = { db };
          },
          onResizeDb: (size, expires) => {
            if (pendingDb) Object.assign(pendingDb, { size, expires });
          },
          onFunction: (code) => {
            ensureHeader();
            writer.func(code);
            functions++;
          },
          onModuleAux: (_name, raw) => {
            ensureHeader();
            writer.moduleAux(raw);
          },
        },
      ),
      { onProgress: options.onProgress },
    );
    ensureHeader();
    writer.end();
    out.commit();
    return { keys, functions, bytesWritten: writer.bytes, sourceVersion: parser.version, losses };
  } catch (e) {
    out.abort();
    throw e;
  }
}
