import { verifyAuditTrail, type AuditReport } from '../domain/audit-chain';
import type { RotationStore } from '../domain/ports';
import { sha256Hex } from '../lib/sha256';

/**
 * Every hash chain of the store's audit trail, checked (domain/audit-chain.ts):
 * for `npm run audit:verify` and the line the export carries. The log is read
 * before the rotations, so replicas writing meanwhile only add entries not
 * logged yet ("pending"), never a false break.
 */
export async function checkAuditTrail(store: Pick<RotationStore, 'auditLog' | 'list'>): Promise<AuditReport> {
  const records = await store.auditLog();
  const rotations = await store.list();
  return verifyAuditTrail(rotations, records, sha256Hex);
}
