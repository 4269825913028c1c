package dev.lowres.train.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.util.PairList;
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
 * standard deviation 0.02 cut at two standard deviations (DJL's truncated normal; timm's {@code trunc_normal_}
 * cuts at +-2, hardly at all), the class token from normal(1e-6), biases are zero. No dropout or stochastic
 * depth (left to the recipe). The MACs count the two attention matrix products (2 T^2 D per block for T
 * tokens) besides the linear layers.
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

    private static final Initializer WEIGHTS = new TruncatedNormalInitializer(0.02f);

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
        SequentialBlock net = new SequentialBlock();
        // patch embedding: (N, C, H, W) -> (N, D, H/p, W/p) -> (N, T - 1, D)
        net.add(Layers.conv(dim, patch, patch, 0, true, 1));
        cost.conv(channels, dim, patch, 1, grid, grid, true);
        net.add(LambdaBlock.singleton(x -> x.reshape(x.getShape().get(0), dim, -1).transpose(0, 2, 1), "to-tokens"));
        Tokens embeddings = new Tokens(dim, tokens);
        net.add(embeddings);
        cost.parameters((long) dim + (long) tokens * dim);
        for (int i = 0; i < v.depth(); i++) {
            SequentialBlock attention = new SequentialBlock().add(Layers.layerNorm(1e-6f))
                    .add(new SelfAttention(dim, v.heads()));
            cost.norm(dim);
            cost.linear(dim, 3 * dim, true, tokens);
            cost.macs(2L * tokens * tokens * dim); // q k^T and attention x v
            cost.linear(dim, dim, true, tokens);
            SequentialBlock mlp = new SequentialBlock().add(Layers.layerNorm(1e-6f)).add(Layers.linear(v.mlp()))
                    .add(Layers.gelu()).add(Layers.linear(dim));
            cost.norm(dim);
            cost.linear(dim, v.mlp(), true, tokens);
            cost.linear(v.mlp(), dim, true, tokens);
            net.add(Layers.residual(attention, Layers.identity())).add(Layers.residual(mlp, Layers.identity()));
        }
        net.add(Layers.layerNorm(1e-6f));
        cost.norm(dim);
        net.add(LambdaBlock.singleton(x -> x.get(":, 0, :"), "class-token"));
        net.add(Layers.linear(classes));
        cost.linear(dim, classes, true, 1);
        net.setInitializer(WEIGHTS, Parameter.Type.WEIGHT);
        embeddings.classToken.setInitializer(new NormalInitializer(1e-6f));
        return new Network(name, net, new Shape(channels, imageSize, imageSize), classes, cost.parameters(),
                cost.macs());
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
    static final class Tokens extends AbstractBlock {
        private final Parameter classToken;
        private final Parameter positions;

        Tokens(int dim, int tokens) {
            super((byte) 1);
            classToken = addParameter(Parameter.builder().setName("class_token").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(1, 1, dim)).build());
            positions = addParameter(Parameter.builder().setName("position_embedding")
                    .setType(Parameter.Type.WEIGHT).optShape(new Shape(1, tokens, dim)).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            NDArray cls = store.getValue(classToken, x.getDevice(), training);
            NDArray pos = store.getValue(positions, x.getDevice(), training);
            Shape s = x.getShape();
            NDArray withClass = cls.broadcast(new Shape(s.get(0), 1, s.get(2))).concat(x, 1);
            return new NDList(withClass.add(pos));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            Shape s = inputs[0];
            return new Shape[] {new Shape(s.get(0), s.get(1) + 1, s.get(2))};
        }
    }

    /** Multi-head self-attention over (N, T, D), written with NDArray operations. */
    static final class SelfAttention extends AbstractBlock {
        private final int heads;
        private final Linear qkv;
        private final Linear projection;

        SelfAttention(int dim, int heads) {
            super((byte) 1);
            if (dim % heads != 0) {
                throw new IllegalArgumentException("attention width " + dim + " is not a multiple of " + heads
                        + " heads");
            }
            this.heads = heads;
            qkv = addChildBlock("qkv", Layers.linear(3 * dim));
            projection = addChildBlock("projection", Layers.linear(dim));
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            Shape s = x.getShape();
            long n = s.get(0);
            long t = s.get(1);
            long d = s.get(2);
            long headDim = d / heads;
            // (N, T, 3D) -> (3, N, heads, T, D/heads)
            NDArray qkvs = qkv.forward(store, new NDList(x), training).singletonOrThrow()
                    .reshape(n, t, 3, heads, headDim).transpose(2, 0, 3, 1, 4);
            NDArray q = qkvs.get(0).mul(1.0 / Math.sqrt(headDim));
            NDArray k = qkvs.get(1);
            NDArray v = qkvs.get(2);
            NDArray attention = q.matMul(k.transpose(0, 1, 3, 2)).softmax(-1);
            NDArray out = attention.matMul(v).transpose(0, 2, 1, 3).reshape(n, t, d);
            return projection.forward(store, new NDList(out), training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return new Shape[] {inputs[0]};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            qkv.initialize(manager, dataType, inputShapes[0]);
            projection.initialize(manager, dataType, inputShapes[0]);
        }
    }
}
