package org.ring4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.ring4j.DType;
import org.ring4j.ReduceOp;
import org.ring4j.Ring;
import org.ring4j.RingConfigException;

/**
 * The opt-in Vector API kernels: an error that says what to do when they are asked for without the
 * module, and really in use when asked for with it. The build runs the kernel tests a second time
 * with the module and the flag (surefire execution {@code vector-kernels} in ring4j-core's pom),
 * so {@link KernelsTest} and {@link KernelsBitPatternTest} check the vector kernels bit for bit too.
 */
class VectorSupportTest {

    @Test
    void askingWithoutTheModuleIsAnErrorThatSaysWhatToDo() {
        assumeFalse(VectorSupport.available(), "this JVM has the Vector API module");
        String before = System.getProperty(VectorSupport.PROPERTY);
        System.setProperty(VectorSupport.PROPERTY, "true");
        try {
            assertThat(VectorSupport.enabled()).isFalse();
            assertThatThrownBy(VectorSupport::check).isInstanceOf(RingConfigException.class)
                    .hasMessageContaining("--add-modules jdk.incubator.vector")
                    .hasMessageContaining(VectorSupport.ENV);
            // Before any connection is attempted (the hostfile does not even exist).
            assertThatThrownBy(() -> Ring.connect(Path.of("no-such-hostfile.json"), 0))
                    .isInstanceOf(RingConfigException.class).hasMessageContaining("--add-modules jdk.incubator.vector");
        } finally {
            if (before == null) {
                System.clearProperty(VectorSupport.PROPERTY);
            } else {
                System.setProperty(VectorSupport.PROPERTY, before);
            }
        }
    }

    @Test
    void notAskedForMeansThePortableKernels() {
        assumeFalse(VectorSupport.requested(), "the vector kernels are asked for in this run");
        for (ReduceOp op : ReduceOp.values()) {
            for (DType t : DType.values()) {
                assertThat(Kernels.of(t, op).getClass().getName()).as("%s %s", t, op).doesNotContain("Vector");
            }
        }
    }

    @Test
    void askedForWithTheModuleMeansTheVectorKernels() {
        assumeTrue(VectorSupport.requested() && VectorSupport.available(), "run with the module and -D"
                + VectorSupport.PROPERTY + "=true (surefire execution vector-kernels)");
        VectorSupport.check();
        for (ReduceOp op : ReduceOp.values()) {
            for (DType t : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
                if (t == DType.FLOAT16 && op == ReduceOp.SUM && !VectorBufferKernels.available()) {
                    // float16 sum has a vector kernel only on the buffers (JDK 16-18).
                    assertThat(Kernels.of(t, op).getClass().getName()).doesNotContain("Vector");
                    continue;
                }
                assertThat(Kernels.of(t, op).getClass().getName()).as("%s %s", t, op).contains("VectorHalfKernels");
                assertThat(Kernels.of(t, op).getClass().getSimpleName()).as("%s %s", t, op)
                        .startsWith(VectorBufferKernels.available() ? "Buffer" : "Array");
            }
            // The buffer kernels where this JVM's Vector API reads vectors from buffers (JDK 16-18).
            for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                assertThat(Kernels.of(t, op).getClass().getName().contains("VectorBufferKernels"))
                        .as("%s %s", t, op).isEqualTo(VectorBufferKernels.available());
            }
            assertThat(Kernels.of(DType.INT32, op).getClass().getName()).doesNotContain("Vector");
        }
        assertThat(Kernels.of(DType.COMPLEX64, ReduceOp.SUM).getClass().getName().contains("VectorBufferKernels"))
                .isEqualTo(VectorBufferKernels.available());
        assertThat(Kernels.of(DType.COMPLEX64, ReduceOp.MAX).getClass().getName()).doesNotContain("Vector");
    }

    @Test
    void theBufferKernelsExistOnTheJdksWhoseVectorApiHasBufferAccess() {
        assumeTrue(VectorSupport.available(), "run with the module (surefire execution vector-kernels)");
        // JDK 16-18 read vectors from ByteBuffers; 19 replaced that with MemorySegments. A JDK
        // that had them and lost them (or the reverse) must not go unnoticed.
        assertThat(VectorBufferKernels.available()).isEqualTo(Runtime.version().feature() < 19);
    }

    @Test
    void aValueThatIsNeitherYesNorNoIsAnError() {
        String before = System.getProperty(VectorSupport.PROPERTY);
        System.setProperty(VectorSupport.PROPERTY, "fast");
        try {
            assertThat(VectorSupport.requested()).isFalse();
            assertThatThrownBy(VectorSupport::check).isInstanceOf(RingConfigException.class)
                    .hasMessageContaining("\"fast\"").hasMessageContaining("write 1");
        } finally {
            if (before == null) {
                System.clearProperty(VectorSupport.PROPERTY);
            } else {
                System.setProperty(VectorSupport.PROPERTY, before);
            }
        }
    }
}
