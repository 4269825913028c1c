package dev.lowres.train.quant;

import dev.lowres.train.engine.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Dispatcher;
import org.bytedeco.pytorch.GenericList;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.IntType;
import org.bytedeco.pytorch.OperatorHandle;
import org.bytedeco.pytorch.SingletonTypePtr;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.Type;

/**
 * libtorch's quantized CPU operators ({@code quantized::conv2d_prepack}, {@code conv2d.new}, {@code conv2d_relu.new},
 * {@code add}, {@code batch_norm2d_relu}), which the JavaCPP preset does not map as functions, called through the
 * dispatcher with boxed arguments as TorchScript calls them. They run on the engine's quantized backend (fbgemm /
 * x86 on this CPU: {@code torch.globalContext().qEngine()}).
 */
final class QuantizedOps {
    private static final class Handles {
        static final Dispatcher D;
        static final OperatorHandle PREPACK;
        static final OperatorHandle CONV;
        static final OperatorHandle CONV_RELU;
        static final OperatorHandle ADD;
        static final OperatorHandle BN_RELU;

        static {
            Torch.load();
            // kept for the JVM's life: class initialisation may run inside a caller's PointerScope
            D = Dispatcher.singleton().retainReference();
            PREPACK = D.findSchemaOrThrow("quantized::conv2d_prepack", "").retainReference();
            CONV = D.findSchemaOrThrow("quantized::conv2d", "new").retainReference();
            CONV_RELU = D.findSchemaOrThrow("quantized::conv2d_relu", "new").retainReference();
            ADD = D.findSchemaOrThrow("quantized::add", "").retainReference();
            BN_RELU = D.findSchemaOrThrow("quantized::batch_norm2d_relu", "").retainReference();
        }
    }

    private QuantizedOps() {
    }

    /**
     * Packs a per-channel qint8 weight and an fp32 bias for fbgemm's convolution. The result is owned by the caller
     * ({@code releaseReference()} it), not by any open scope.
     */
    static IValue prepack(Tensor qweight, Tensor bias, int stride, int padding) {
        IValue packed;
        try (PointerScope scope = new PointerScope()) {
            IValueVector stack = new IValueVector();
            stack.push_back(new IValue(qweight));
            stack.push_back(bias == null ? new IValue() : new IValue(bias));
            stack.push_back(ints(stride, stride));
            stack.push_back(ints(padding, padding));
            stack.push_back(ints(1, 1));
            stack.push_back(new IValue(1L));
            Handles.D.callBoxed(Handles.PREPACK, stack);
            packed = new IValue(stack.get(0)).retainReference();
        }
        return packed;
    }

    /** The quantized convolution (with a fused ReLU when {@code relu}), its output at scale and zero point. */
    static Tensor conv(Tensor qx, IValue packed, boolean relu, double scale, long zeroPoint) {
        IValueVector stack = new IValueVector();
        stack.push_back(new IValue(qx));
        stack.push_back(packed);
        stack.push_back(new IValue(scale));
        stack.push_back(new IValue(zeroPoint));
        Handles.D.callBoxed(relu ? Handles.CONV_RELU : Handles.CONV, stack);
        return result(stack);
    }

    /** The quantized sum of two quantized tensors, at scale and zero point. */
    static Tensor add(Tensor a, Tensor b, double scale, long zeroPoint) {
        IValueVector stack = new IValueVector();
        stack.push_back(new IValue(a));
        stack.push_back(new IValue(b));
        stack.push_back(new IValue(scale));
        stack.push_back(new IValue(zeroPoint));
        Handles.D.callBoxed(Handles.ADD, stack);
        return result(stack);
    }

    /** Inference batch norm then ReLU on a quantized tensor (fp32 statistics), at scale and zero point. */
    static Tensor batchNormRelu(Tensor qx, Tensor weight, Tensor bias, Tensor mean, Tensor var, double eps,
                                double scale, long zeroPoint) {
        IValueVector stack = new IValueVector();
        stack.push_back(new IValue(qx));
        stack.push_back(new IValue(weight));
        stack.push_back(new IValue(bias));
        stack.push_back(new IValue(mean));
        stack.push_back(new IValue(var));
        stack.push_back(new IValue(eps));
        stack.push_back(new IValue(scale));
        stack.push_back(new IValue(zeroPoint));
        Handles.D.callBoxed(Handles.BN_RELU, stack);
        return result(stack);
    }

    /**
     * The operator's result as a tensor of its own: {@code IValueVector.get} and {@code IValue.toTensor} return
     * references into the stack, which must not outlive it.
     */
    private static Tensor result(IValueVector stack) {
        return new Tensor(stack.get(0).toTensor());
    }

    /** An int[] argument. */
    private static IValue ints(long... values) {
        GenericList list = new GenericList(new Type.TypePtr(new SingletonTypePtr(IntType.getIntTypePtr().get())));
        for (long v : values) {
            list.push_back(new IValue(v));
        }
        return new IValue(list);
    }
}
