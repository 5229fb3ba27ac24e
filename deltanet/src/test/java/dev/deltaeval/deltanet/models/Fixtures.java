package dev.deltaeval.deltanet.models;

import dev.deltaeval.checkpoints.SafetensorsFile;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The fla golden fixtures copied into test resources (from shared/fixtures/fla-golden). */
final class Fixtures {
    static final String[] ALL = {"v022_dn_negeig", "v022_dp2_negeig", "v022_dp3_gated_outgate",
        "v022_dp2_noconv_untied", "up_gdp2_gated_outgate", "up_deltanet_negeig", "up_gated_deltanet"};

    private Fixtures() {
    }

    static Path dir(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/fla-golden/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static SafetensorsFile expected(String name) {
        return SafetensorsFile.open(dir(name).resolve("expected.safetensors"));
    }

    static float maxAbs(float[] a) {
        float m = 0;
        for (float x : a) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    static float maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("length " + a.length + " vs " + b.length);
        }
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            float d = Math.abs(a[i] - b[i]);
            if (!(d <= m)) {
                m = Float.isNaN(d) ? Float.NaN : d;
                if (Float.isNaN(m)) {
                    return m;
                }
            }
        }
        return m;
    }

    /** Rows [from, to) along the time axis of a [B, T, D] array. */
    static float[] timeSlice(float[] x, int batch, int t, int d, int from, int to) {
        float[] out = new float[batch * (to - from) * d];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(x, (b * t + from) * d, out, b * (to - from) * d, (to - from) * d);
        }
        return out;
    }
}
