package dev.lowres.train.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowres.train.engine.Torch;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class StridedOneByOneTest {
    @Test
    void autoTakesTheNativeKernelOnlyForWholeBlocksOfSixteenChannels() {
        assertFalse(StridedOneByOne.AUTO.subsamples(16));
        assertFalse(StridedOneByOne.AUTO.subsamples(64));
        assertTrue(StridedOneByOne.AUTO.subsamples(12));
        assertTrue(StridedOneByOne.AUTO.subsamples(40));
        assertTrue(StridedOneByOne.AUTO.subsamples(3));
        assertTrue(StridedOneByOne.SUBSAMPLE.subsamples(64));
        assertFalse(StridedOneByOne.NATIVE.subsamples(12));
    }

    @Test
    void theVariableNamesAModeOrFailsListingThem() {
        assertEquals(StridedOneByOne.AUTO, StridedOneByOne.parse(null));
        assertEquals(StridedOneByOne.AUTO, StridedOneByOne.parse(" "));
        assertEquals(StridedOneByOne.SUBSAMPLE, StridedOneByOne.parse("Subsample"));
        assertEquals(StridedOneByOne.NATIVE, StridedOneByOne.parse("native"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StridedOneByOne.parse("fast"));
        assertEquals("LOWRES_STRIDED_1X1 must be auto, native or subsample: fast", e.getMessage());
    }

    /**
     * Both forms of a strided projection (16 input channels: the native kernel; 12: subsampled, in the default
     * mode) give the output and the gradients of libtorch's own strided convolution, in both memory formats.
     */
    @Test
    void bothFormsComputeTheStridedConvolution() {
        Torch.load();
        for (int in : new int[] {16, 12}) {
            for (boolean channelsLast : new boolean[] {false, true}) {
                try (PointerScope scope = new PointerScope()) {
                    torch.manual_seed(in);
                    Params p = new Params();
                    Conv2d conv = Conv2d.create(p, in, 32, 1, 2, 0, 1, false, Init.ONES);
                    StridedOneByOne mode = StridedOneByOne.parse(System.getenv(StridedOneByOne.VARIABLE));
                    assertEquals(mode.subsamples(in), conv.subsampled(), in + " channels in mode " + mode);
                    Param w = p.all().get(0);
                    Tensor weight = torch.randn(32, in, 1, 1);
                    Tensor x = torch.randn(3, in, 9, 9);
                    if (channelsLast) {
                        weight = weight.contiguous(torch.MemoryFormat.ChannelsLast);
                        x = x.contiguous(torch.MemoryFormat.ChannelsLast);
                    }
                    w.bind(weight.set_requires_grad(true));
                    x.set_requires_grad(true);
                    Tensor y = conv.forward(x, true);
                    Tensor xr = x.detach().clone().set_requires_grad(true);
                    Tensor wr = weight.detach().clone().set_requires_grad(true);
                    Tensor expected = torch.conv2d(xr, wr, new TensorOptional(), new long[] {2, 2},
                            new long[] {0, 0}, new long[] {1, 1}, 1);
                    String what = in + " channels" + (channelsLast ? ", channels-last" : "");
                    assertArrayEquals(new long[] {3, 32, 5, 5}, y.sizes().vec().get(), what);
                    assertTrue(torch.allclose(y, expected, 1e-5, 1e-5, false), what + ": output");
                    Tensor g = torch.randn(3, 32, 5, 5);
                    y.mul(g).sum().backward();
                    expected.mul(g).sum().backward();
                    assertTrue(torch.allclose(x.grad(), xr.grad(), 1e-5, 1e-5, false), what + ": input gradient");
                    assertTrue(torch.allclose(w.value().grad(), wr.grad(), 1e-4, 1e-4, false), what + ": weight gradient");
                    assertEquals(0.0, x.grad().select(2, 1).abs().sum().item_double(), what
                            + ": no gradient for the skipped rows");
                    w.release();
                }
            }
        }
    }
}
