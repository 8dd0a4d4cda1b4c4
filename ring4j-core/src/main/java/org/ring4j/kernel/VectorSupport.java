package org.ring4j.kernel;

import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import org.ring4j.DType;
import org.ring4j.ReduceOp;
import org.ring4j.RingConfigException;

/**
 * Whether some kernels use the incubating Vector API ({@code jdk.incubator.vector}): only when
 * asked for with {@value #ENV}{@code =1} (or the system property {@value #PROPERTY}{@code =true})
 * and the JVM was started with {@code --add-modules jdk.incubator.vector}. Asked for without the
 * module is an error ({@link #check}), not a silent fallback.
 *
 * <p>Which kernels: bfloat16 sum, max and min and float16 max and min on any JDK
 * ({@code VectorHalfKernels}); float16 sum, float32 and float64 sum/max/min and complex64 sum, on JDKs
 * whose Vector API reads vectors from a {@code ByteBuffer}, JDK 16 to 18 ({@code VectorHalfKernels},
 * {@code VectorBufferKernels}). Every other kernel, and those on later JDKs, stays portable
 * (float16 sum from JDK 25 on: {@code Float16ConversionSum}, with or without the flag).
 *
 * <p>Why opt-in: an incubator module is not resolved unless the JVM is told to, and prints a
 * warning when it is, so a library cannot turn it on for its users. The integer kernels do not
 * use it: C2 vectorises their plain loops.
 */
public final class VectorSupport {
    /** Environment variable that asks for the vector kernels ({@code 1} or {@code true}). */
    public static final String ENV = "RING4J_VECTOR";
    /** System property that asks for the vector kernels ({@code true}); wins over {@link #ENV}. */
    public static final String PROPERTY = "ring4j.vector";
    private static final String MODULE = "jdk.incubator.vector";

    private VectorSupport() {
    }

    /** @return whether {@link #ENV} or {@link #PROPERTY} asks for the vector kernels (an unknown value does not) */
    public static boolean requested() {
        return Boolean.TRUE.equals(parse(setting()));
    }

    /** @return the property's value, else the variable's, else null */
    private static String setting() {
        String v = System.getProperty(PROPERTY);
        return v != null ? v : System.getenv(ENV);
    }

    /** @return the setting as yes/no (unset is no), or null for a value that is neither */
    private static Boolean parse(String v) {
        if (v == null) {
            return Boolean.FALSE;
        }
        switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "1": case "true": case "yes": case "on": return Boolean.TRUE;
            case "0": case "false": case "no": case "off": case "": return Boolean.FALSE;
            default: return null;
        }
    }

    /** @return whether this JVM resolved the Vector API module */
    public static boolean available() {
        return ModuleLayer.boot().findModule(MODULE).isPresent();
    }

    /** @return whether the vector kernels are in use (where {@link #kernel} has one for the dtype) */
    public static boolean enabled() {
        return requested() && available();
    }

    /**
     * @throws RingConfigException if the setting is not a yes/no value, or the vector kernels are
     *     asked for but the JVM lacks the module, saying how to start it
     */
    public static void check() {
        String v = setting();
        if (parse(v) == null) {
            throw new RingConfigException(ENV + " (or -D" + PROPERTY + ") is \"" + v + "\"; write 1 to use the Vector API "
                    + "kernels or 0 not to");
        }
        if (requested() && !available()) {
            throw new RingConfigException(ENV + " (or -D" + PROPERTY + ") asks for the Vector API kernels, but this JVM "
                    + "was started without the module: add --add-modules " + MODULE + " to the java command line, "
                    + "or unset " + ENV);
        }
    }

    /**
     * @param portable the portable kernel for {@code t} and {@code op}, returned where no vector
     *     kernel serves them on this JVM
     * @return the kernel for {@code t} and {@code op}; call only when {@link #enabled()}
     */
    static ReduceKernel kernel(DType t, ReduceOp op, ReduceKernel portable) {
        // Reflection keeps every reference to jdk.incubator.vector inside classes that are loaded
        // only here, so a JVM without the module never links them.
        String kernels = t == DType.BFLOAT16 || t == DType.FLOAT16 ? "VectorHalfKernels" : "VectorBufferKernels";
        try {
            return (ReduceKernel) Class.forName(VectorSupport.class.getPackageName() + "." + kernels)
                    .getDeclaredMethod("create", DType.class, ReduceOp.class, ReduceKernel.class)
                    .invoke(null, t, op, portable);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot create the vector kernel for " + t + " " + op, e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load the vector kernels " + kernels, e);
        }
    }
}
