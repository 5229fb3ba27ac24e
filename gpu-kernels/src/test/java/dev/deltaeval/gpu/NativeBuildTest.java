package dev.deltaeval.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `gpu setup` builds from sources packaged in the jar: all of them, byte for byte, and says what is missing. */
class NativeBuildTest {
    private static final Path NATIVE = Path.of("src/main/native");

    @TempDir
    Path tmp;

    @Test
    void theListedSourcesAreTheNativeFolder() throws IOException {
        try (Stream<Path> files = Files.walk(NATIVE)) {
            List<String> onDisk = files.filter(Files::isRegularFile).map(p -> NATIVE.relativize(p).toString())
                    .filter(p -> !p.startsWith("build/")).sorted().toList();
            assertEquals(onDisk, NativeBuild.FILES.stream().sorted().toList());
        }
    }

    @Test
    void extractedSourcesEqualTheFolder() throws IOException {
        NativeBuild.extractTo(tmp);
        for (String f : NativeBuild.FILES) {
            assertArrayEquals(Files.readAllBytes(NATIVE.resolve(f)), Files.readAllBytes(tmp.resolve(f)), f);
        }
    }

    @Test
    void missingToolsAreNamed() throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path cmake = Files.writeString(bin.resolve("cmake"), "#!/bin/sh\n");
        cmake.toFile().setExecutable(true);
        assertEquals(List.of("nvcc", "python3"), NativeBuild.missingTools(bin.toString()));
        assertEquals(List.of("cmake", "nvcc", "python3"), NativeBuild.missingTools(""));
    }
}
