package dev.lowres.train.nn;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;

/** Layers applied in turn. */
public final class Sequential implements Layer {
    private final List<Layer> layers = new ArrayList<>();

    public Sequential add(Layer layer) {
        layers.add(layer);
        return this;
    }

    public int size() {
        return layers.size();
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        Tensor y = x;
        for (Layer l : layers) {
            y = l.forward(y, training);
        }
        return y;
    }
}
