package dev.deltaeval.deltanet.ops;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.HashMap;
import java.util.Map;

/**
 * The constant arrays of the chunked kernel (causal masks, identities) for each chunk geometry, built once on the
 * model's device and reused by every layer and every forward pass: each would otherwise cost a handful of NDArray
 * calls per layer, which on a GPU is what limits throughput. Owned by the model's manager.
 */
public final class ChunkConstants {
    private final NDManager manager;
    private final UtInverse inverse;
    private final Map<String, Masks> cache = new HashMap<>();

    public ChunkConstants(NDManager manager, UtInverse inverse) {
        this.manager = manager;
        this.inverse = inverse;
    }

    /** How this model's chunked kernel inverts the UT transform. */
    public UtInverse inverse() {
        return inverse;
    }

    /** The constants of one geometry: C = n * ct sub-steps per chunk, ct tokens, key dimension dk. */
    public static final class Masks {
        final NDArray strictLower;
        final NDArray lowerInclusive;
        final NDArray queryMask;
        final NDArray eye;
        final NDArray eye64;
        final NDArray eyeDk;

        Masks(NDManager m, long c, long ct, int n, long dk, DataType type) {
            NDArray rows = m.arange(0f, c, 1f).expandDims(1);
            NDArray cols = m.arange(0f, c, 1f).expandDims(0);
            strictLower = rows.gt(cols).toType(type, false);
            lowerInclusive = rows.gte(cols).toType(type, false);
            // token t reads after its last sub-step, row t*n + n - 1
            NDArray lastRow = m.arange(0f, ct, 1f).mul(n).add(n - 1).expandDims(1);
            queryMask = lastRow.gte(cols).toType(type, false);
            eye = m.eye((int) c).toType(type, false);
            eye64 = m.eye((int) c).toType(DataType.FLOAT64, false);
            eyeDk = m.eye((int) dk).toType(type, false);
        }
    }

    synchronized Masks get(long c, long ct, int n, long dk, DataType type) {
        return cache.computeIfAbsent(c + "/" + ct + "/" + n + "/" + dk + "/" + type, k -> {
            try (NDManager tmp = manager.newSubManager()) {
                Masks s = new Masks(tmp, c, ct, n, dk, type);
                for (NDArray a : new NDArray[] {s.strictLower, s.lowerInclusive, s.queryMask, s.eye, s.eye64, s.eyeDk}) {
                    a.attach(manager);
                }
                return s;
            }
        });
    }
}
