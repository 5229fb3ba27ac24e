package dev.deltaeval.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChartSupportTest {
    @Test
    void aRuntimeWithoutJavaDesktopSkipsChartsWithOneLine() {
        String why = ChartSupport.unavailable(false).orElseThrow();
        assertTrue(why.contains("java.desktop") && !why.contains("\n"), why);
        assertEquals(Optional.empty(), ChartSupport.unavailable(true));
    }

    @Test
    void thisRuntimeDrawsCharts() {
        // the build's JDK has java.desktop; were it missing, every chart test would fail with NoClassDefFoundError
        assertFalse(ChartSupport.skip());
    }
}
