/**
 * The audit log's published format: the canonical serialization and hash chain of audit records,
 * signed checkpoints, the export lines, and the verifier shared by audit-service ({@code GET
 * /api/audit/verify}) and the offline verifier ({@code relops audit verify}). Spring-free.
 */
@NullMarked
package io.relops.common.audit;

import org.jspecify.annotations.NullMarked;
