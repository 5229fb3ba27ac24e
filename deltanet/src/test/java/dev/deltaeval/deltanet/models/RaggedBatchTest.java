package dev.deltaeval.deltanet.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.deltaeval.deltanet.models.DeltaNetCheckpoint;
import dev.deltaeval.deltanet.ops.LoopsChunkedKernel;
import dev.deltaeval.model.ForwardMode;
import dev.deltaeval.model.ForwardOutput;
import dev.deltaeval.model.ForwardRequest;
import dev.deltaeval.model.RecurrentState;
import dev.deltaeval.model.TokenBatch;
import dev.deltaeval.runtime.ComputeOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Right-padded batches: per-row results and states equal running each row alone; padding never enters a state. On
 * the automatic kernels and on loops-chunked (the test kernel that reads the projections, masks included, as a
 * fused native pass does).
 */
class RaggedBatchTest {
    static final String[] FIXTURES = Fixtures.ALL;
    static final int[] LENGTHS = {96, 57, 1, 23, 80};

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void paddedRowsScoreAndContinueLikeSingleRows(String fixture) {
        long[] ids = Fixtures.expected(fixture).readLongs("input_ids");
        List<long[]> rows = new ArrayList<>();
        for (int i = 0; i < LENGTHS.length; i++) {
            int from = (i % 2) * 96;
            rows.add(Arrays.copyOfRange(ids, from, from + LENGTHS[i]));
        }
        long[] suffix = Arrays.copyOfRange(ids, 100, 110);
        for (String kernels : new String[] {"auto", "loops"}) {
            int before = LoopsChunkedKernel.callsFromProjections();
            int denseBefore = LoopsChunkedKernel.denseCalls();
            for (ForwardMode mode : ForwardMode.values()) {
                paddedRowsLikeSingleRows(fixture, kernels, mode, rows, suffix);
            }
            assertEquals(kernels.equals("loops"), LoopsChunkedKernel.callsFromProjections() > before,
                    kernels + ": whether the layers' projections went to the loops kernel");
            assertEquals(kernels.equals("loops"), LoopsChunkedKernel.denseCalls() > denseBefore,
                    kernels + ": whether the dense stages ran on the loops' fused forms");
        }
        assertEquals(5, rows.size());
    }

    private static void paddedRowsLikeSingleRows(String fixture, String kernels, ForwardMode mode, List<long[]> rows,
                                                 long[] suffix) {
        try (DeltaNetModel model = DeltaNetModel.load(DeltaNetCheckpoint.open(Fixtures.dir(fixture)),
                ComputeOptions.cpu().withKernels(kernels))) {
            TokenBatch batch = TokenBatch.padded(rows, 0);
            ForwardOutput out = model.forward(batch, null, new ForwardRequest(mode, true, null, false, true));
            long[][] suffixRows = new long[rows.size()][];
            Arrays.fill(suffixRows, suffix);
            float[] cont;
            try (RecurrentState s = out.state()) {
                cont = model.forward(TokenBatch.of(suffixRows), s, ForwardRequest.logits(ForwardMode.PARALLEL)).logits();
            }
            for (int i = 0; i < rows.size(); i++) {
                ForwardOutput single = model.forward(TokenBatch.single(rows.get(i)), null,
                        new ForwardRequest(mode, true, null, false, true));
                float[] want = single.logits();
                float[] got = Arrays.copyOfRange(out.logits(), i * 96 * 512, i * 96 * 512 + want.length);
                float d = Fixtures.maxAbsDiff(got, want);
                assertTrue(d <= 1e-4f, fixture + " " + kernels + " " + mode + " row " + i + " logits differ by " + d);
                float[] wantCont;
                try (RecurrentState s = single.state()) {
                    wantCont = model.forward(TokenBatch.single(suffix), s, ForwardRequest.logits(ForwardMode.PARALLEL))
                            .logits();
                }
                float[] gotCont = Arrays.copyOfRange(cont, i * 10 * 512, (i + 1) * 10 * 512);
                float dc = Fixtures.maxAbsDiff(gotCont, wantCont);
                assertTrue(dc <= 1e-4f, fixture + " " + kernels + " " + mode + " row " + i + " continuation differs by "
                        + dc);
            }
        }
    }
}
