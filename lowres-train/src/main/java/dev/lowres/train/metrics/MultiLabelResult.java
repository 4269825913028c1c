package dev.lowres.train.metrics;

/**
 * Multi-label (ReaL) accuracy of one evaluation (Beyer et al. 2020, "Are we done with ImageNet?"): a
 * top-1 prediction is right when it is any of the record's acceptable classes; records without any are
 * left out. Shares are NaN when their denominator is 0.
 *
 * @param records records added
 * @param labelled of those, records with at least one acceptable class
 * @param multiLabelTop1 share of labelled records whose top-1 is acceptable ("ReaL accuracy")
 * @param originalTop1OnLabelled share of labelled records whose top-1 is the original label
 * @param mistakes labelled records whose top-1 is not the original label
 * @param mistakesValid of those, records whose top-1 is acceptable after all
 * @param mistakesValidShare {@code mistakesValid / mistakes}
 */
public record MultiLabelResult(long records, long labelled, double multiLabelTop1, double originalTop1OnLabelled,
                               long mistakes, long mistakesValid, double mistakesValidShare) {
}
