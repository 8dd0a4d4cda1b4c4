package org.ring4j.kernel;

import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import org.ring4j.DType;
import org.ring4j.ReduceOp;
import org.ring4j.RingConfigException;

/**
 * Whether the bfloat16 kernels use the incubating Vector API
 * ({@code jdk.incubator.vector}): only when asked for with {@value #ENV}{@code =1} (or the system
 * property {@value #PROPERTY}{@code =true}) and the JVM was started with
 * {@code --add-modules jdk.incubator.vector}. Asked for without the module is an error
 * ({@link #check}), not a silent fallback.
 *
 * <p>Why opt-in: an incubator module is not resolved unless the JVM is told to, and prints a
 * warning when it is, so a library cannot turn it on for its users. The other kernels do not
 * use it: C2 vectorises the plain loops of most; for float16 the Vector API on JDK 17 was slower
 * than the portable kernels (see {@code VectorHalfKernels}).
 */
public final class VectorSupport {
    /** Environment variable that asks for the vector kernels ({@code 1} or {@code true}). */
    public static final String ENV = "RING4J_VECTOR";
    /** System property that asks for the vector kernels ({@code true}); wins over {@link #ENV}. */
    public static final String PROPERTY = "ring4j.vector";
    private static final String MODULE = "jdk.incubator.vector";

    private VectorSupport() {
    }

    /** @return whether {@link #ENV} or {@link #PROPERTY} asks for the vector kernels */
    public static boolean requested() {
        String v = System.getProperty(PROPERTY);
        if (v == null) {
            v = System.getenv(ENV);
        }
        if (v == null) {
            return false;
        }
        String t = v.trim().toLowerCase(Locale.ROOT);
        return t.equals("1") || t.equals("true") || t.equals("yes") || t.equals("on");
    }

    /** @return whether this JVM resolved the Vector API module */
    public static boolean available() {
        return ModuleLayer.boot().findModule(MODULE).isPresent();
    }

    /** @return whether the bfloat16 kernels in use are the vector ones */
    public static boolean enabled() {
        return requested() && available();
    }

    /**
     * @throws RingConfigException if the vector kernels are asked for but the JVM lacks the module,
     *     saying how to start it
     */
    public static void check() {
        if (requested() && !available()) {
            throw new RingConfigException(ENV + " (or -D" + PROPERTY + ") asks for the Vector API kernels, but this JVM "
                    + "was started without the module: add --add-modules " + MODULE + " to the java command line, "
                    + "or unset " + ENV);
        }
    }

    /** @return the vector kernel for {@code t} and {@code op}; call only when {@link #enabled()} */
    static ReduceKernel kernel(DType t, ReduceOp op) {
        // Reflection keeps every reference to jdk.incubator.vector inside a class that is loaded
        // only here, so a JVM without the module never links it.
        try {
            return (ReduceKernel) Class.forName(VectorSupport.class.getPackageName() + ".VectorHalfKernels")
                    .getDeclaredMethod("create", DType.class, ReduceOp.class).invoke(null, t, op);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot create the vector kernel for " + t + " " + op, e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load the vector kernels", e);
        }
    }
}
