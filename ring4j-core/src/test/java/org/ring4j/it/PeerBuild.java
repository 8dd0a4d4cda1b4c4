package org.ring4j.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds {@code mlx_ring_peer}, the standalone port of MLX's ring backend in
 * {@code interop/mlx-ring-peer}, with its {@code build.sh}.
 *
 * <p>The build takes about half a minute (the seed instantiates every collective for 14 types), so
 * the binary is kept in {@code target/mlx-ring-peer/<hash>/}, where the hash covers the sources and
 * the compiler's version: an edit or another compiler gives a fresh build, {@code mvn clean} removes
 * them all. Each build runs in a temporary directory and is moved into place when complete.
 */
final class PeerBuild {
    /** {@code build.sh}'s exit status when no C++ compiler is found. */
    static final int NO_COMPILER = 3;
    private static final long BUILD_LIMIT_SECONDS = 300;

    private PeerBuild() {
    }

    /** The outcome: a binary, or why there is none. */
    record Result(Path binary, boolean noCompiler, String message) {
    }

    /** @return the peer's source directory, found from the working directory upwards */
    static Path sourceDir() {
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (; p != null; p = p.getParent()) {
            Path d = p.resolve("interop").resolve("mlx-ring-peer");
            if (Files.isRegularFile(d.resolve("build.sh"))) {
                return d;
            }
        }
        throw new IllegalStateException("interop/mlx-ring-peer/build.sh not found above " + System.getProperty("user.dir"));
    }

    /** Builds the peer unless a build of the same sources and compiler is already there. */
    static synchronized Result ensure() throws IOException, InterruptedException {
        Path src = sourceDir();
        String cxx = System.getenv().getOrDefault("CXX", "g++");
        String version;
        try {
            version = run(List.of(cxx, "--version"), null, 30).output;
        } catch (IOException e) {
            return new Result(null, true, "no C++ compiler: '" + cxx + "' cannot be run (" + e.getMessage()
                    + "); install g++ to run the MLX interop test");
        }
        Path cacheRoot = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                .resolve("target").resolve("mlx-ring-peer");
        Path dir = cacheRoot.resolve(hash(src, version));
        Path binary = dir.resolve("mlx_ring_peer");
        if (Files.isExecutable(binary)) {
            return new Result(binary, false, "reused " + binary);
        }
        Files.createDirectories(cacheRoot);
        Path tmp = Files.createTempDirectory(cacheRoot, "build-");
        Run r = run(List.of("sh", src.resolve("build.sh").toString(), tmp.toString()), src, BUILD_LIMIT_SECONDS);
        if (r.status == NO_COMPILER) {
            return new Result(null, true, r.output.strip());
        }
        if (r.status != 0) {
            throw new IllegalStateException("building mlx_ring_peer failed (exit " + r.status + "):\n" + r.output);
        }
        try {
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!Files.isExecutable(binary)) { // another build won the race: use it
                throw e;
            }
        }
        return new Result(binary, false, "built " + binary);
    }

    private record Run(int status, String output) {
    }

    private static Run run(List<String> cmd, Path dir, long limitSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Path log = Files.createTempFile("mlx-ring-peer-build", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(limitSeconds, TimeUnit.SECONDS)) {
                throw new IllegalStateException(String.join(" ", cmd) + " ran over " + limitSeconds + " s");
            }
            return new Run(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    private static String hash(Path src, String compilerVersion) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            List<Path> files = new ArrayList<>();
            try (Stream<Path> s = Files.list(src)) {
                s.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
            for (Path f : files) {
                md.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(f));
            }
            md.update(compilerVersion.getBytes(StandardCharsets.UTF_8));
            md.update(System.getenv().getOrDefault("CXX", "g++").getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (byte b : md.digest()) {
                hex.append(String.format("%02x", b));
            }
            return hex.substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
