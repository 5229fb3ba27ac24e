package dev.deltaeval.runtime.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The PyTorch installed for the {@code python3} on the PATH. Python is asked only where the torch package lies
 * ({@code importlib.util.find_spec}, milliseconds); the build is read from its version.py, because importing torch
 * itself takes seconds on every command.
 *
 * @param python   the interpreter that was asked
 * @param torchDir the torch package folder (holds version.py and lib/)
 * @param build    its version and flavor
 */
public record PythonTorch(Path python, Path torchDir, TorchBuild build) {
    private static final String FIND = "import importlib.util as u; s = u.find_spec('torch'); "
            + "print(s.origin if s is not None and s.origin else '')";
    private static final long TIMEOUT_SECONDS = 20;

    public Path libraryDir() {
        return torchDir.resolve("lib");
    }

    /**
     * Looks up python3 on {@code env}'s PATH and its torch. Empty when there is no python3, no torch, or a torch
     * whose version.py cannot be read; the reason is then in {@code notes}.
     */
    public static Optional<PythonTorch> find(Map<String, String> env, StringBuilder notes) {
        Optional<Path> python = onPath("python3", env.get("PATH"));
        if (python.isEmpty()) {
            notes.append("no python3 on the PATH");
            return Optional.empty();
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(python.get().toString(), "-c", FIND).redirectErrorStream(false);
            pb.environment().clear();
            pb.environment().putAll(env);
            pb.redirectError(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                notes.append(python.get()).append(" did not answer within ").append(TIMEOUT_SECONDS).append(" s");
                return Optional.empty();
            }
            String origin = new String(out, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0 || origin.isEmpty()) {
                notes.append(python.get()).append(" has no torch package");
                return Optional.empty();
            }
            Path torchDir = Path.of(origin).getParent();
            Path versionPy = torchDir.resolve("version.py");
            if (!Files.isRegularFile(versionPy)) {
                notes.append(python.get()).append("'s torch in ").append(torchDir).append(" has no version.py");
                return Optional.empty();
            }
            return Optional.of(new PythonTorch(python.get(), torchDir, TorchBuild.fromVersionPy(versionPy)));
        } catch (IOException | IllegalArgumentException e) {
            notes.append(python.get()).append(": ").append(e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            notes.append(python.get()).append(": interrupted");
            return Optional.empty();
        }
    }

    static Optional<Path> onPath(String name, String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
