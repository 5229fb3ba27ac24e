package dev.deltaeval.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deltaeval.common.DeltaEvalException;
import dev.deltaeval.jobs.eval.EvalSpec;
import dev.deltaeval.jobs.extrapolation.ExtrapolateSpec;
import dev.deltaeval.jobs.rank.RankSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Plan sections as specs: the shapes plan files already use, defaults, refusals and the one hash. */
class SpecJsonTest {
    private static JsonNode json(String s) throws Exception {
        return new ObjectMapper().readTree(s);
    }

    @Test
    void earlierPlanSectionsReadAsSpecsWithTheCommandsDefaults() throws Exception {
        EvalSpec e = SpecJson.read(json("{\"tasks\": [\"piqa\"], \"data_dir\": \"d\", \"limit\": 20, "
                + "\"batch_size\": 16, \"lm_eval_compat\": \"0.4.2\"}"), EvalSpec.class, "plan");
        assertEquals(List.of("piqa"), e.tasks());
        assertEquals("16", e.batchSize());
        assertEquals("0.4.2", e.lmEvalCompat());
        assertEquals(100000, e.bootstrapIters());
        assertEquals("auto", e.fork());
        ExtrapolateSpec x = SpecJson.read(json("{\"data\": \"f.jsonl\", \"max_len\": [2048, 4096], "
                + "\"num_sequences\": 2, \"train_context\": 512}"), ExtrapolateSpec.class, "plan");
        assertEquals(List.of(2048, 4096), x.maxLen());
        assertEquals(2048, x.segment());
        assertEquals("f.jsonl", x.dataSettings().data());
        RankSpec r = SpecJson.read(json("{\"max_len\": 256, \"positions\": \"all\", \"window\": 64}"), RankSpec.class,
                "plan");
        assertEquals(256, r.maxLen());
        assertEquals(DataSettings.DEFAULT_DATA, r.dataSettings().data());
    }

    @Test
    void aTypoIsOneLineNamingTheField() throws Exception {
        DeltaEvalException e = assertThrows(DeltaEvalException.class, () -> SpecJson.read(json("{\"taks\": []}"),
                EvalSpec.class, "plan.json: section \"eval\""));
        assertTrue(e.getMessage().startsWith("plan.json: section \"eval\": Unrecognized field \"taks\""),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void theHashIsOfTheWorkNotTheFolderNorTheFieldOrder() throws Exception {
        EvalSpec a = SpecJson.read(json("{\"tasks\": [\"piqa\"], \"limit\": 3, \"output\": \"x\"}"), EvalSpec.class,
                "a");
        EvalSpec b = SpecJson.read(json("{\"output\": \"y\", \"limit\": 3, \"tasks\": [\"piqa\"]}"), EvalSpec.class,
                "b");
        assertEquals(SpecJson.hash(a), SpecJson.hash(b));
        assertEquals(SpecJson.hash(a), SpecJson.hash(Jobs.inFolder(a, Path.of("elsewhere"))));
        EvalSpec c = SpecJson.read(json("{\"tasks\": [\"piqa\"], \"limit\": 4}"), EvalSpec.class, "c");
        assertNotEquals(SpecJson.hash(a), SpecJson.hash(c));
        assertEquals(64, SpecJson.hash(a).length());
    }

    @Test
    void theBuiltInJobsAreInstalled() {
        assertEquals(List.of("eval", "extrapolate", "rank", "state_tracking"), Jobs.kinds());
        assertThrows(DeltaEvalException.class, () -> Jobs.of("evl"));
    }
}
