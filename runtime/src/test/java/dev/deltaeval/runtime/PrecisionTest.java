package dev.deltaeval.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

/** --dtype auto: fp16 only where it was measured to be faster (a GPU and a model of 100M parameters or more). */
class PrecisionTest {
    @Test
    void autoPicksFp16OnlyForLargeModelsOnAGpu() {
        Device gpu = Device.gpu(0);
        assertEquals(Precision.FP16, Precision.resolve("auto", gpu, 392_318_976L));
        assertEquals(Precision.FP16, Precision.resolve("auto", gpu, Precision.FP16_MIN_PARAMETERS));
        assertEquals(Precision.FP32, Precision.resolve("auto", gpu, 6_000_000L), "the 6M demo is faster in fp32");
        assertEquals(Precision.FP16, Precision.resolve("auto", gpu, -1), "unknown size counts as large");
        assertEquals(Precision.FP32, Precision.resolve("auto", Device.cpu(), 392_318_976L));
    }

    @Test
    void anExplicitDtypeIsKeptWhateverTheSize() {
        assertEquals(Precision.FP16, Precision.resolve("fp16", Device.gpu(0), 6_000_000L));
        assertEquals(Precision.FP32, Precision.resolve("FP32", Device.gpu(0), 392_318_976L));
        assertThrows(ModelException.class, () -> Precision.resolve("int8", Device.cpu(), 1));
    }
}
