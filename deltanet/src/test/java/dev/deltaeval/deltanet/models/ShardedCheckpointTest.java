package dev.deltaeval.deltanet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.deltaeval.checkpoints.TestShards;
import dev.deltaeval.deltanet.models.DeltaNetCheckpoint;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.TokenBatch;
import dev.deltaeval.runtime.ComputeOptions;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint split into shards with an index scores exactly like the single file. */
class ShardedCheckpointTest {
    @Test
    void shardedCheckpointGivesIdenticalLogits(@TempDir Path tmp) throws IOException {
        String fixture = "v022_dp2_noconv_untied";
        Path sharded = tmp.resolve("sharded");
        TestShards.split(Fixtures.dir(fixture), sharded);
        TokenBatch input = new TokenBatch(Fixtures.expected(fixture).readLongs("input_ids"), 2, 96);
        try (DeltaNetModel a = DeltaNetModel.load(DeltaNetCheckpoint.open(Fixtures.dir(fixture)), ComputeOptions.cpu());
             DeltaNetModel b = DeltaNetModel.load(DeltaNetCheckpoint.open(sharded), ComputeOptions.cpu())) {
            float[] la = a.forward(input, null, ForwardRequest.logits(ForwardMode.PARALLEL)).logits();
            float[] lb = b.forward(input, null, ForwardRequest.logits(ForwardMode.PARALLEL)).logits();
            assertEquals(0f, Fixtures.maxAbsDiff(la, lb));
        }
    }
}
