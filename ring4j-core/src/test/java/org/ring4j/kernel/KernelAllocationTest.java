package org.ring4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.ring4j.DType;
import org.ring4j.ReduceOp;

/**
 * A kernel call allocates nothing once the buffers' views exist, even when consecutive calls
 * alternate between source buffers as the tasks of a multi-sub-reduce collective do.
 */
class KernelAllocationTest {

    @Test
    void alternatingBuffersAllocateNothing() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ByteBuffer[] sources = new ByteBuffer[4];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = ByteBuffer.allocateDirect(8192).order(ByteOrder.LITTLE_ENDIAN);
        }
        ByteBuffer[] destinations = {
            ByteBuffer.allocateDirect(8192).order(ByteOrder.LITTLE_ENDIAN),
            ByteBuffer.allocateDirect(8192).order(ByteOrder.LITTLE_ENDIAN),
        };
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64, DType.FLOAT16,
            DType.BFLOAT16, DType.INT8, DType.COMPLEX64}) {
            for (ReduceOp op : ReduceOp.values()) {
                ReduceKernel k = Kernels.of(t, op);
                int count = 8192 / t.size();
                for (int i = 0; i < 100; i++) {
                    k.reduce(sources[i % sources.length], 0, destinations[i % 2], 0, count);
                }
                // Until C2 has compiled the kernel, code on the Vector API (run by the vector-kernels
                // execution) boxes its vectors: allow windows of warm-up for up to 10 s (a C2
                // compilation queued behind others on a loaded 2-core machine took longer than 30
                // windows once), then one window must allocate nothing.
                long allocated = Long.MAX_VALUE;
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
                for (int window = 0; window < 10_000 && allocated >= 1000 && System.nanoTime() < deadline; window++) {
                    long before = mx.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < 1000; i++) {
                        k.reduce(sources[i % sources.length], 0, destinations[i % 2], 0, count);
                    }
                    allocated = mx.getCurrentThreadAllocatedBytes() - before;
                }
                assertThat(allocated).as("%s %s: bytes allocated by 1000 calls after warm-up", t, op).isLessThan(1000);
            }
        }
    }
}
