package dev.deltaeval.runtime.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A GPU's name and memory for the start-up line, from {@code nvidia-smi} (libtorch's API as DJL binds it has no
 * device name). Best effort: without nvidia-smi the line just says "CUDA device K".
 */
public final class GpuInfo {
    private GpuInfo() {
    }

    public static String describe(int index) {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name,memory.total",
                    "--format=csv,noheader,nounits", "-i", Integer.toString(index))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
                p.destroyForcibly();
                return "CUDA device " + index;
            }
            return parse(out, index);
        } catch (IOException e) {
            return "CUDA device " + index;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "CUDA device " + index;
        }
    }

    /** "NVIDIA H200, 143771" (MiB) -> "NVIDIA H200, 140.4 GiB". */
    static String parse(String csvLine, int index) {
        String[] f = csvLine.split("\n")[0].split(",");
        if (f.length < 2) {
            return "CUDA device " + index;
        }
        try {
            double gib = Double.parseDouble(f[1].trim()) / 1024.0;
            return f[0].trim() + ", " + String.format(java.util.Locale.ROOT, "%.1f GiB", gib);
        } catch (NumberFormatException e) {
            return f[0].trim();
        }
    }
}
