import { verifyAuditTrail, type AuditReport } from '../domain/audit-chain';
import type { RotationStore } from '../domain/ports';
import type { Rotation } from '../domain/rotation';
import { sha256Hex } from '../lib/sha256';

/**
 * Every rotation, and every hash chain of the store's audit trail checked
 * against them (domain/audit-chain.ts): for `npm run audit:verify` and the
 * export. The log is read before the rotations, so replicas writing meanwhile
 * only add entries not logged yet ("pending"), never a false break.
 */
export async function readAuditTrail(store: Pick<RotationStore, 'auditLog' | 'list'>): Promise<{ rotations: Rotation[]; report: AuditReport }> {
  const records = await store.auditLog();
  const rotations = await store.list();
  return { rotations, report: verifyAuditTrail(rotations, records, sha256Hex) };
}

/** The check alone. */
export async function checkAuditTrail(store: Pick<RotationStore, 'auditLog' | 'list'>): Promise<AuditReport> {
  return (await readAuditTrail(store)).report;
}
