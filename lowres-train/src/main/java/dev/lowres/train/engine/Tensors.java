package dev.lowres.train.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Moves data between Java and tensors: float, int and uint8 pixel arrays or buffers in, float arrays out. A tensor made
 * here owns its memory (a copy); on a GPU device it is copied there. Tensors are attached to the innermost
 * open {@link org.bytedeco.javacpp.PointerScope}, as every tensor libtorch returns is.
 */
public final class Tensors {
    private Tensors() {
    }

    /** A float32 tensor of {@code shape} holding {@code data} (row-major). */
    public static Tensor floats(FloatBuffer data, Device device, long... shape) {
        Tensor t = torch.empty(shape, new TensorOptions(torch.ScalarType.Float), new MemoryFormatOptional());
        int n = Math.toIntExact(t.numel());
        if (data.remaining() < n) {
            throw new IllegalArgumentException("need " + n + " floats for shape " + Arrays.toString(shape) + ", have "
                    + data.remaining());
        }
        t.data_ptr_float().capacity(n).asBuffer().put(data.duplicate().limit(data.position() + n));
        return device.isCuda() ? t.to(device.torchDevice(), torch.ScalarType.Float) : t;
    }

    /** A float32 tensor of {@code shape} holding {@code data} (row-major). */
    public static Tensor floats(float[] data, Device device, long... shape) {
        return floats(FloatBuffer.wrap(data), device, shape);
    }

    /** An int64 tensor (class indices) of {@code shape} holding {@code data}: one bulk copy, then a widening cast. */
    public static Tensor longs(IntBuffer data, Device device, long... shape) {
        Tensor t = torch.empty(shape, new TensorOptions(torch.ScalarType.Int), new MemoryFormatOptional());
        int n = Math.toIntExact(t.numel());
        if (data.remaining() < n) {
            throw new IllegalArgumentException("need " + n + " ints for shape " + Arrays.toString(shape) + ", have "
                    + data.remaining());
        }
        t.data_ptr_int().capacity(n).asBuffer().put(data.duplicate().limit(data.position() + n));
        return device.isCuda() ? t.to(device.torchDevice(), torch.ScalarType.Long) : t.to(torch.ScalarType.Long);
    }

    /**
     * A uint8 batch as float32 pixels in [0, 255] on {@code device}: the bytes travel to a GPU as bytes and are
     * converted there.
     */
    public static Tensor pixels(ByteBuffer bytes, Device device, long... shape) {
        Tensor u = torch.empty(shape, new TensorOptions(torch.ScalarType.Byte), new MemoryFormatOptional());
        int n = Math.toIntExact(u.numel());
        if (bytes.remaining() < n) {
            throw new IllegalArgumentException("need " + n + " bytes for shape " + Arrays.toString(shape) + ", have "
                    + bytes.remaining());
        }
        u.data_ptr_byte().capacity(n).asBuffer().put(bytes.duplicate().limit(bytes.position() + n));
        Tensor onDevice = device.isCuda() ? u.to(device.torchDevice(), torch.ScalarType.Byte) : u;
        return onDevice.to(torch.ScalarType.Float);
    }

    /** An int64 tensor (class indices) holding {@code data}. */
    public static Tensor longs(int[] data, Device device) {
        return longs(IntBuffer.wrap(data), device, data.length);
    }

    /** The values of a tensor as float32, row-major (copied to the CPU and made contiguous first). */
    public static float[] toFloats(Tensor t) {
        Tensor c = t.to(torch.ScalarType.Float).cpu().contiguous();
        float[] out = new float[(int) c.numel()];
        c.data_ptr_float().capacity(out.length).get(out);
        return out;
    }

    /** The values of an integer tensor as ints, row-major. */
    public static int[] toInts(Tensor t) {
        Tensor c = t.to(torch.ScalarType.Int).cpu().contiguous();
        int[] out = new int[(int) c.numel()];
        IntPointer p = c.data_ptr_int();
        p.capacity(out.length).get(out);
        return out;
    }

    /** The raw little-endian bytes of a tensor's float32 values, row-major. */
    public static ByteBuffer toBytes(Tensor t) {
        float[] f = toFloats(t);
        ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(f);
        return b;
    }

    /** Overwrites {@code target}'s values (any layout, device or float type) with {@code data}, row-major. */
    public static void copyInto(Tensor target, float[] data) {
        long[] shape = target.sizes().vec().get();
        if (data.length != target.numel()) {
            throw new IllegalArgumentException("need " + target.numel() + " values, have " + data.length);
        }
        Tensor src = floats(data, Device.cpu(), shape);
        target.detach().copy_(src);
    }

    /** The shape of a tensor. */
    public static long[] shape(Tensor t) {
        return t.sizes().vec().get();
    }

    /** A scalar for an operation. */
    public static Scalar scalar(double value) {
        return new Scalar(value);
    }
}
