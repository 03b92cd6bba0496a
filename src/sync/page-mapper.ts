import type { Connector, Mapped, RawRecord } from "../../connectors/types.ts";
import { ConnectorError } from "../../connectors/types.ts";

/**
 * Runs connectors' `map` over a page's raw records, one `Mapped` per record in their order. On Node the sync
 * passes one that maps in a thread of its own with a time budget per record (`map-thread.ts`); on Workers,
 * which have no threads, records are mapped in place and the text caps and linear patterns are the bound.
 */
export interface PageMapper {
  map(connector: Connector, records: readonly RawRecord[]): Promise<Mapped[]>;
}

/** A record the connector's `map` could not read: a mapper bug, so the page is not saved. */
export function mapFailure(connector: Connector, record: RawRecord, message: string, cause?: unknown) {
  return new ConnectorError(
    connector.id,
    "invalid",
    `cannot map a "${record.type}" record: ${message} (a mapper bug; the page was not saved and the cursor did not move)`,
    cause === undefined ? {} : { cause },
  );
}

/** `connector.map` of one record, its failure as `mapFailure`. */
export function mapRecord(connector: Connector, record: RawRecord): Mapped {
  try {
    return connector.map(record);
  } catch (err) {
    throw mapFailure(connector, record, err instanceof Error ? err.message : String(err), err);
  }
}

/** Maps in the calling thread. */
export const inPlaceMapper: PageMapper = {
  map: async (connector, records) => records.map((record) => mapRecord(connector, record)),
};
