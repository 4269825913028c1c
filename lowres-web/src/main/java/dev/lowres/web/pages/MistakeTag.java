package dev.lowres.web.pages;

import java.util.Arrays;
import java.util.List;

/**
 * Why a model got a record wrong, after Vasudevan et al. 2022, "When does dough become a bagel? Analyzing the
 * remaining mistakes on ImageNet": their four kinds of model mistake (fine-grained, fine-grained out of
 * vocabulary, spurious correlation, non-prototypical), the label problems they separate out first (several
 * objects of different classes, an ambiguous image, a wrong label), and a plain model error for the rest.
 */
public enum MistakeTag {
    FINE_GRAINED("fine-grained", "confused with a closely related class (two dog breeds)"),
    FINE_GRAINED_OOV("fine-grained-oov", "a related object of a class ImageNet does not have"),
    SPURIOUS("spurious-correlation", "predicted from the context, not the object (water, so a boat)"),
    NON_PROTOTYPICAL("non-prototypical", "an unusual instance of its class (a toy, a drawing, an odd angle)"),
    MULTIPLE_OBJECTS("multiple-objects", "the image holds objects of several classes; the prediction is one of them"),
    AMBIGUOUS("ambiguous", "even a person cannot tell which class it is"),
    LABEL_ERROR("label-error", "the dataset's label is wrong"),
    MODEL_ERROR("model-error", "a plain mistake of the model");

    private final String id;
    private final String description;

    MistakeTag(String id, String description) {
        this.id = id;
        this.description = description;
    }

    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    /** The tag of {@code id}, or null. */
    public static MistakeTag of(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst().orElse(null);
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(MistakeTag::id).toList();
    }
}
