package dev.lowres.train.model;

import dev.lowres.train.nn.Activation;
import dev.lowres.train.nn.Conv2d;
import dev.lowres.train.nn.Init;
import dev.lowres.train.nn.Layer;
import dev.lowres.train.nn.LayerNorm;
import dev.lowres.train.nn.Linear;
import dev.lowres.train.nn.Param;
import dev.lowres.train.nn.Params;
import dev.lowres.train.nn.Residual;
import dev.lowres.train.nn.Sequential;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.Locale;

/**
 * Vision Transformers (Dosovitskiy et al. 2021, "An Image is Worth 16x16 Words: Transformers for Image
 * Recognition at Scale"), with small patches for small inputs.
 *
 * <p>The image is cut into p x p patches (a p x p convolution of stride p with bias, to the model width D),
 * a learned class token is prepended and learned position embeddings are added; then L pre-norm encoder
 * blocks, {@code x + MSA(LN(x))} and {@code x + MLP(LN(x))}, with h-head self-attention (one fused q, k, v
 * projection with bias, softmax(q k^T / sqrt(D/h)) v, an output projection with bias) and a two-layer MLP
 * with GELU; a final LN, and a fully connected layer on the class token. The variants are the DeiT/ViT
 * sizes: tiny (D 192, L 12, h 3, MLP 768), small (384, 12, 6, 1536), base (768, 12, 12, 3072). For 16-64 px
 * inputs the patch is 4 px by default, as in the CIFAR literature (a 32 px image is 8x8 = 64 patches plus the
 * class token; 16 px gives 16, 64 px gives 256 patches, where {@code -p8} keeps 64); the patch must divide the
 * input. Layer norms have epsilon 1e-6. Every weight and the position embeddings are drawn from a normal of
 * standard deviation 0.02 redrawn beyond two standard deviations (timm's {@code trunc_normal_} cuts at
 * +-2, in absolute units: hardly at all), the class token from normal(1e-6), biases are zero. No dropout or stochastic
 * depth (left to the recipe). The MACs count the two attention matrix products (2 T^2 D per block for T
 * tokens) besides the linear layers. The class token and position embeddings get no weight decay (as timm).
 *
 * <p>Parameter names: {@code patch.conv}, {@code class_token}, {@code position_embedding}, {@code blocks.<i>.norm1},
 * {@code .attn.qkv}, {@code .attn.proj}, {@code .norm2}, {@code .mlp.fc1}, {@code .mlp.fc2}, {@code norm}, {@code fc}.
 */
public final class VisionTransformer {
    /** One size of the network. */
    record Variant(String name, int dim, int depth, int heads, int mlp) {
    }

    static final Variant[] VARIANTS = {
        new Variant("tiny", 192, 12, 3, 768),
        new Variant("small", 384, 12, 6, 1536),
        new Variant("base", 768, 12, 12, 3072),
    };

    /** The patch side when the name gives none. */
    public static final int DEFAULT_PATCH = 4;

    private static final Init WEIGHTS = new Init.TruncatedNormal(0.02, 2);

    private VisionTransformer() {
    }

    /**
     * Builds ViT-variant with p x p patches.
     *
     * @throws IllegalArgumentException for an unknown variant, or a patch that does not divide the input
     */
    public static Network create(String variantName, int patch, int channels, int imageSize, int classes) {
        Variant v = null;
        for (Variant candidate : VARIANTS) {
            if (candidate.name().equals(variantName)) {
                v = candidate;
            }
        }
        if (v == null) {
            throw new IllegalArgumentException("ViT variant must be tiny, small or base: " + variantName);
        }
        String name = "vit-" + v.name() + (patch == DEFAULT_PATCH ? "" : "-p" + patch);
        if (patch < 1 || imageSize < patch || imageSize % patch != 0) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "%s: the patch size %d must divide the input size %d (name another with vit-%s-p<patch>, "
                            + "e.g. %s)", name, patch, imageSize, v.name(), suggestions(v.name(), imageSize)));
        }
        int grid = imageSize / patch;
        int tokens = grid * grid + 1;
        int dim = v.dim();
        Cost cost = new Cost();
        Params p = new Params();
        Sequential net = new Sequential();
        // patch embedding: (N, C, H, W) -> (N, D, H/p, W/p) -> (N, T - 1, D)
        net.add(Conv2d.create(p.child("patch").child("conv"), channels, dim, patch, patch, 0, 1, true, WEIGHTS));
        cost.conv(channels, dim, patch, 1, grid, grid, true);
        net.add((x, training) -> x.flatten(2, -1).transpose(1, 2));
        net.add(new Tokens(p.param("class_token", Param.Kind.EMBEDDING, new Init.Normal(1e-6), 1, 1, dim),
                p.param("position_embedding", Param.Kind.EMBEDDING, WEIGHTS, 1, tokens, dim)));
        cost.parameters((long) dim + (long) tokens * dim);
        for (int i = 0; i < v.depth(); i++) {
            Params block = p.child("blocks", i);
            Sequential attention = new Sequential().add(LayerNorm.create(block.child("norm1"), dim, 1e-6))
                    .add(new SelfAttention(block.child("attn"), dim, v.heads()));
            cost.norm(dim);
            cost.linear(dim, 3 * dim, true, tokens);
            cost.macs(2L * tokens * tokens * dim); // q k^T and attention x v
            cost.linear(dim, dim, true, tokens);
            Params mlpParams = block.child("mlp");
            Sequential mlp = new Sequential().add(LayerNorm.create(block.child("norm2"), dim, 1e-6))
                    .add(Linear.create(mlpParams.child("fc1"), dim, v.mlp(), true, WEIGHTS)).add(Activation.GELU)
                    .add(Linear.create(mlpParams.child("fc2"), v.mlp(), dim, true, WEIGHTS));
            cost.norm(dim);
            cost.linear(dim, v.mlp(), true, tokens);
            cost.linear(v.mlp(), dim, true, tokens);
            net.add(new Residual(attention, null)).add(new Residual(mlp, null));
        }
        net.add(LayerNorm.create(p.child("norm"), dim, 1e-6));
        cost.norm(dim);
        net.add((x, training) -> x.select(1, 0));
        net.add(Linear.create(p.child("fc"), dim, classes, true, WEIGHTS));
        cost.linear(dim, classes, true, 1);
        return new Network(name, net, p.all(), new InputShape(channels, imageSize, imageSize), classes,
                cost.parameters(), cost.macs());
    }

    private static String suggestions(String variant, int imageSize) {
        StringBuilder sb = new StringBuilder();
        for (int p = 2; p <= Math.min(16, imageSize); p++) {
            if (imageSize % p == 0) {
                sb.append(sb.length() == 0 ? "" : ", ").append("vit-").append(variant).append("-p").append(p);
            }
        }
        return sb.length() == 0 ? "none: choose an input size with a divisor from 2 to 16" : sb.toString();
    }

    /** Prepends the learned class token to (N, T - 1, D) and adds the learned position embeddings. */
    private record Tokens(Param classToken, Param positions) implements Layer {
        @Override
        public Tensor forward(Tensor x, boolean training) {
            long n = x.size(0);
            Tensor cls = classToken.value().expand(n, 1, x.size(2)).to(x.scalar_type());
            Tensor withClass = torch.cat(new TensorVector(cls, x), 1);
            return withClass.add(positions.value());
        }
    }

    /** Multi-head self-attention over (N, T, D): a fused q, k, v projection, softmax(q k^T / sqrt(d)) v, a projection. */
    private static final class SelfAttention implements Layer {
        private final int heads;
        private final Linear qkv;
        private final Linear projection;

        SelfAttention(Params p, int dim, int heads) {
            if (dim % heads != 0) {
                throw new IllegalArgumentException("attention width " + dim + " is not a multiple of " + heads
                        + " heads");
            }
            this.heads = heads;
            qkv = Linear.create(p.child("qkv"), dim, 3 * dim, true, WEIGHTS);
            projection = Linear.create(p.child("proj"), dim, dim, true, WEIGHTS);
        }

        @Override
        public Tensor forward(Tensor x, boolean training) {
            long n = x.size(0);
            long t = x.size(1);
            long d = x.size(2);
            long headDim = d / heads;
            // (N, T, 3D) -> (3, N, heads, T, D/heads)
            Tensor qkvs = qkv.forward(x, training).reshape(n, t, 3, heads, headDim).permute(2, 0, 3, 1, 4);
            Tensor q = qkvs.select(0, 0).mul(new org.bytedeco.pytorch.Scalar(1.0 / Math.sqrt(headDim)));
            Tensor k = qkvs.select(0, 1);
            Tensor v = qkvs.select(0, 2);
            Tensor attention = torch.softmax(torch.matmul(q, k.transpose(2, 3)), -1,
                    new org.bytedeco.pytorch.ScalarTypeOptional());
            Tensor out = torch.matmul(attention, v).transpose(1, 2).reshape(n, t, d);
            return projection.forward(out, training);
        }
    }
}
