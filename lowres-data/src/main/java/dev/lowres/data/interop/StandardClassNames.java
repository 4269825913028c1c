package dev.lowres.data.interop;

import java.util.List;

/**
 * The class names of the small standard datasets, in label order, as their authors publish them: used when
 * the source folder lacks its class-name file, and for Fashion-MNIST, whose IDX files carry no names.
 */
public final class StandardClassNames {
    /** MNIST: the digits {@code 0} to {@code 9}. */
    public static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    /** Fashion-MNIST (Xiao, Rasul &amp; Vollgraf, 2017), labels 0 to 9. */
    public static final List<String> FASHION_MNIST = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** CIFAR-10, as in {@code batches.meta.txt}. */
    public static final List<String> CIFAR10 = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");

    /** CIFAR-100 fine labels, as in {@code fine_label_names.txt}. */
    public static final List<String> CIFAR100_FINE = List.of("apple", "aquarium_fish", "baby", "bear", "beaver",
            "bed", "bee", "beetle", "bicycle", "bottle", "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can",
            "castle", "caterpillar", "cattle", "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab",
            "crocodile", "cup", "dinosaur", "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster",
            "house", "kangaroo", "keyboard", "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man",
            "maple_tree", "motorcycle", "mountain", "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter",
            "palm_tree", "pear", "pickup_truck", "pine_tree", "plain", "plate", "poppy", "porcupine", "possum",
            "rabbit", "raccoon", "ray", "road", "rocket", "rose", "sea", "seal", "shark", "shrew", "skunk",
            "skyscraper", "snail", "snake", "spider", "squirrel", "streetcar", "sunflower", "sweet_pepper", "table",
            "tank", "telephone", "television", "tiger", "tractor", "train", "trout", "tulip", "turtle", "wardrobe",
            "whale", "willow_tree", "wolf", "woman", "worm");

    private StandardClassNames() {
    }
}
