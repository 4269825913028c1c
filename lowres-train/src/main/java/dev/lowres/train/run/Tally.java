package dev.lowres.train.run;

/**
 * Running sums of an epoch or a logging window, kept in a checkpoint so that a resumed run writes the same
 * metrics lines as an uninterrupted one (the first line after a resume averages the whole window, not only
 * the steps since the resume).
 *
 * @param images training images seen
 * @param steps optimizer steps
 * @param lossSum the sum of the steps' mean losses
 * @param lossImageSum the sum of the steps' mean losses, each times its batch size
 * @param correct images whose top-1 prediction was their label
 */
public record Tally(long images, long steps, double lossSum, double lossImageSum, long correct) {
    public static final Tally ZERO = new Tally(0, 0, 0, 0, 0);

    /** The checkpoint metadata form: the five numbers, comma-separated (doubles round-trip exactly). */
    public String encode() {
        return images + "," + steps + "," + lossSum + "," + lossImageSum + "," + correct;
    }

    /** Reads {@link #encode()}'s form; ZERO for null (a checkpoint written before tallies were kept). */
    public static Tally decode(String text) {
        if (text == null || text.isBlank()) {
            return ZERO;
        }
        String[] p = text.split(",");
        if (p.length != 5) {
            throw new IllegalArgumentException("a tally has five numbers: " + text);
        }
        return new Tally(Long.parseLong(p[0]), Long.parseLong(p[1]), Double.parseDouble(p[2]),
                Double.parseDouble(p[3]), Long.parseLong(p[4]));
    }
}
