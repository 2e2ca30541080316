package io.relops.common.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.relops.common.audit.Verdict.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChainVerifierTest {

    final ExportFixture chain = new ExportFixture(30, 10);

    Verdict verify(List<? extends ChainLink> links) {
        ChainVerifier verifier = new ChainVerifier(1, AuditChain.GENESIS, chain.checkpoints, chain.keys.getPublic());
        for (ChainLink link : links) {
            if (!verifier.wantsMore()) {
                break;
            }
            verifier.accept(link);
        }
        return verifier.finish();
    }

    @Test
    void canonicalFormDependsOnTheValueNotTheText() {
        assertThat(CanonicalJson.string(CanonicalJson.read("{ \"b\": 1.50, \"a\": [1E2, 10, -0.0, \"x\"] }")))
                .isEqualTo("{\"a\":[100,10,0,\"x\"],\"b\":1.5}");
        assertThat(CanonicalJson.string(CanonicalJson.read("{\"a\":[100.000,1e1,0,\"x\"],\"b\":15e-1}")))
                .isEqualTo("{\"a\":[100,10,0,\"x\"],\"b\":1.5}");
    }

    @Test
    void anUntouchedChainVerifies() {
        Verdict verdict = verify(chain.entries);
        assertThat(verdict.valid()).as(verdict.toString()).isTrue();
        assertThat(verdict.records()).isEqualTo(30);
        assertThat(verdict.checkpoints()).isEqualTo(3);
    }

    @Test
    void namesTheFirstOfConsecutiveDeletedRecords() {
        List<AuditEntry> tampered = new ArrayList<>(chain.entries);
        tampered.subList(4, 7).clear(); // seq 5, 6, 7
        Verdict verdict = verify(tampered);
        assertThat(verdict.firstBadSeq()).isEqualTo(5L);
        assertThat(verdict.reason()).isEqualTo(Reason.MISSING);
        assertThat(verdict.detail()).contains("5 to 7");
    }

    @Test
    void namesSwappedRecordsAsReordered() {
        List<AuditEntry> tampered = new ArrayList<>(chain.entries);
        AuditEntry a = tampered.get(11);
        AuditEntry b = tampered.get(12);
        tampered.set(11, withSeq(b, 12));
        tampered.set(12, withSeq(a, 13));
        Verdict verdict = verify(tampered);
        assertThat(verdict.firstBadSeq()).isEqualTo(12L);
        assertThat(verdict.reason()).isEqualTo(Reason.REORDERED);
    }

    @Test
    void namesDeletedNewestRecordsThroughTheLastCheckpoint() {
        Verdict verdict = verify(chain.entries.subList(0, 27));
        assertThat(verdict.firstBadSeq()).isEqualTo(28L);
        assertThat(verdict.reason()).isEqualTo(Reason.MISSING);
    }

    @Test
    void anExportVerifiesOfflineAndFailsAfterOneEditedByte(@TempDir Path dir) throws Exception {
        Path file = chain.write(dir.resolve("export.jsonl"));
        assertThat(AuditExport.verify(file, chain.keys.getPublic()).valid()).isTrue();
        assertThat(AuditExport.verify(file, Keys.generate().getPublic()).reason())
                .isEqualTo(Reason.CHECKPOINT_MISMATCH);

        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        int at = text.indexOf("\"1.17.0\"") + 3; // the version of record 17
        bytes[at] = (byte) '8';
        Files.write(file, bytes);
        Verdict verdict = AuditExport.verify(file, chain.keys.getPublic());
        assertThat(verdict.valid()).isFalse();
        assertThat(verdict.firstBadSeq()).isEqualTo(17L);
        assertThat(verdict.reason()).isEqualTo(Reason.MODIFIED);
    }

    private static AuditEntry withSeq(AuditEntry e, long seq) {
        return new AuditEntry(
                seq,
                e.id(),
                e.type(),
                e.source(),
                e.subject(),
                e.releaseId(),
                e.time(),
                e.topic(),
                e.actor(),
                e.recordedAt(),
                e.data(),
                e.prevHash(),
                e.hash());
    }
}
