package org.ring4j.collective;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Little-endian views of the user's direct buffers, remembered by identity so that calling a
 * collective again with the same buffers allocates nothing. A view has its own position and limit,
 * which the transport moves freely; the user's buffer is never changed.
 */
final class BufferViews {
    private final ByteBuffer[] keys = new ByteBuffer[4];
    private final ByteBuffer[] views = new ByteBuffer[4];
    private int next;

    /** @return a little-endian view of all of {@code direct}'s capacity */
    ByteBuffer of(ByteBuffer direct) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] == direct) {
                return views[i];
            }
        }
        ByteBuffer v = direct.duplicate().clear().order(ByteOrder.LITTLE_ENDIAN);
        keys[next] = direct;
        views[next] = v;
        next = (next + 1) % keys.length;
        return v;
    }

    /** Forgets every buffer. */
    void clear() {
        java.util.Arrays.fill(keys, null);
        java.util.Arrays.fill(views, null);
    }
}
